resource "aws_ecs_service" "fail_on" {
  name                   = "a"
  task_definition        = "a:1"
  enable_execute_command = true
}

variable "exec_default_on" {
  type    = bool
  default = true
}

resource "aws_ecs_service" "fail_variable_default_on" {
  name                   = "b"
  task_definition        = "b:1"
  enable_execute_command = var.exec_default_on
}
