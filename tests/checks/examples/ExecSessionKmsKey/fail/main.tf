resource "aws_kms_key" "exec" {
  enable_key_rotation = true
}

resource "aws_kms_alias" "exec" {
  name          = "alias/exec"
  target_key_id = aws_kms_key.exec.key_id
}

resource "aws_ecs_cluster" "fail_no_key" {
  name = "a"
  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}

resource "aws_ecs_cluster" "fail_no_configuration" {
  name = "b"
}

resource "aws_ecs_cluster" "fail_key_id_not_arn" {
  name = "c"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.key_id
      logging    = "DEFAULT"
    }
  }
}

resource "aws_ecs_cluster" "fail_alias" {
  name = "d"
  configuration {
    execute_command_configuration {
      kms_key_id = "alias/exec"
      logging    = "DEFAULT"
    }
  }
}

variable "key" {
  type = string
}

resource "aws_ecs_cluster" "unknown_key" {
  name = "e"
  configuration {
    execute_command_configuration {
      kms_key_id = var.key
      logging    = "DEFAULT"
    }
  }
}
