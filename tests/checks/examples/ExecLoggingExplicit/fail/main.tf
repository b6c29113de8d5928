resource "aws_ecs_cluster" "fail_default_with_log_configuration" {
  name = "a"
  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
      log_configuration {
        cloud_watch_log_group_name = "/ecs-exec/a"
      }
    }
  }
}

resource "aws_ecs_cluster" "fail_logging_missing" {
  name = "b"
  configuration {
    execute_command_configuration {
      kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
    }
  }
}

variable "logging" {
  type = string
}

resource "aws_ecs_cluster" "unknown_logging" {
  name = "c"
  configuration {
    execute_command_configuration {
      logging = var.logging
    }
  }
}
