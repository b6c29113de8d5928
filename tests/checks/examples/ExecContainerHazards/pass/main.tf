resource "aws_ecs_task_definition" "clean" {
  family = "app"
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "app:1"
    readonlyRootFilesystem = false
    environment            = [{ name = "LOG_LEVEL", value = "info" }]
  }])
}

resource "aws_ecs_task_definition" "hazard_but_exec_off" {
  family = "batch"
  container_definitions = jsonencode([{
    name                   = "batch"
    image                  = "batch:1"
    readonlyRootFilesystem = true
  }])
}

resource "aws_ecs_service" "app" {
  name                   = "app"
  task_definition        = aws_ecs_task_definition.clean.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "batch" {
  name            = "batch"
  task_definition = aws_ecs_task_definition.hazard_but_exec_off.arn
}
