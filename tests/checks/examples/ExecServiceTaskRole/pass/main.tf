resource "aws_iam_role" "task" {
  name               = "app-task"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "ssm" {
  name = "ssm"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource = "*" }]
  })
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "app", image = "app:1" }])
}

resource "aws_ecs_service" "exec_on" {
  name                   = "app"
  task_definition        = aws_ecs_task_definition.app.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "exec_off" {
  name            = "other"
  task_definition = "some-family:3"
}
