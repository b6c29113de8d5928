resource "aws_kms_key" "exec" {
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "plain" {
  name = "/ecs-exec/plain"
}

resource "aws_cloudwatch_log_group" "encrypted" {
  name       = "/ecs-exec/encrypted"
  kms_key_id = aws_kms_key.exec.arn
}

resource "aws_ecs_cluster" "fail_group_without_key" {
  name = "a"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.plain.name
      }
    }
  }
}

resource "aws_ecs_cluster" "fail_flag_missing" {
  name = "b"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name = aws_cloudwatch_log_group.encrypted.name
      }
    }
  }
}

resource "aws_ecs_cluster" "unknown_group_elsewhere" {
  name = "c"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = "/managed/elsewhere"
      }
    }
  }
}
