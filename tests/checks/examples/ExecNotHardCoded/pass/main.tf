resource "aws_ecs_service" "absent" {
  name            = "a"
  task_definition = "a:1"
}

resource "aws_ecs_service" "off" {
  name                   = "b"
  task_definition        = "b:1"
  enable_execute_command = false
}
