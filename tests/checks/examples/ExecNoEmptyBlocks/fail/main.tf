resource "aws_ecs_cluster" "fail_empty_configuration" {
  name = "a"
  configuration {}
}

resource "aws_ecs_cluster" "fail_empty_execute_command_configuration" {
  name = "b"
  configuration {
    execute_command_configuration {}
  }
}

resource "aws_ecs_cluster" "fail_empty_log_configuration" {
  name = "c"
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {}
    }
  }
}
