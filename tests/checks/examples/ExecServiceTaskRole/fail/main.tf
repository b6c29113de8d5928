resource "aws_iam_role" "task" {
  name               = "app-task"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "half" {
  name = "half"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel"], Resource = "*" }]
  })
}

resource "aws_ecs_task_definition" "half_role" {
  family                = "half"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "app", image = "app:1" }])
}

resource "aws_ecs_task_definition" "no_role" {
  family                = "norole"
  execution_role_arn    = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "app", image = "app:1" }])
}

resource "aws_ecs_service" "fail_role_lacks_channels" {
  name                   = "half"
  task_definition        = aws_ecs_task_definition.half_role.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "fail_no_task_role" {
  name                   = "norole"
  task_definition        = aws_ecs_task_definition.no_role.arn
  enable_execute_command = true
}

variable "exec" {
  type = bool
}

resource "aws_ecs_service" "unknown_flag" {
  name                   = "unknown"
  task_definition        = aws_ecs_task_definition.no_role.arn
  enable_execute_command = var.exec
}
