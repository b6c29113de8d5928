resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name = "/ecs-exec/main"
      }
    }
  }
}

resource "aws_ecs_task_definition" "own_group" {
  family = "app"
  container_definitions = jsonencode([{
    name             = "app"
    image            = "app:1"
    logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = "/app/main" } }
  }])
}
