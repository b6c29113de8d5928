resource "aws_cloudwatch_log_group" "exec" {
  name = "/ecs-exec/main"
}

resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        cloud_watch_log_group_name = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

resource "aws_ecs_task_definition" "fail_literal" {
  family = "app"
  container_definitions = jsonencode([{
    name             = "app"
    image            = "app:1"
    logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = "/ecs-exec/main" } }
  }])
}

resource "aws_ecs_task_definition" "fail_reference" {
  family = "worker"
  container_definitions = jsonencode([{
    name             = "worker"
    image            = "worker:1"
    logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = aws_cloudwatch_log_group.exec.name } }
  }])
}

variable "containers" {
  type = string
}

resource "aws_ecs_task_definition" "unknown_definitions" {
  family                = "other"
  container_definitions = var.containers
}
