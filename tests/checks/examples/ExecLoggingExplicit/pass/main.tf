resource "aws_ecs_cluster" "override" {
  name = "a"
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name = "/ecs-exec/a"
      }
    }
  }
}

resource "aws_ecs_cluster" "default_explicit" {
  name = "b"
  configuration {
    execute_command_configuration {
      logging = "DEFAULT"
    }
  }
}

resource "aws_ecs_cluster" "no_exec_config" {
  name = "c"
}
