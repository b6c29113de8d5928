resource "aws_ecs_cluster" "full" {
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

resource "aws_ecs_cluster" "none" {
  name = "b"
}
