# IAM mistakes: logs on arn:aws:logs:*:*:*, ecs:ExecuteCommand and ssm:StartSession on "*".

resource "aws_kms_key" "exec" {
  description         = "exec"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/ecs-exec/prod/main"
  kms_key_id        = aws_kms_key.exec.arn
  retention_in_days = 365
}

resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

resource "aws_iam_role" "task" {
  name               = "app-task"
  assume_role_policy = "{}"
}

resource "aws_ecs_task_definition" "app" {
  family                = "app"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = jsonencode([{ name = "app", image = "nginx" }])
}

resource "aws_ecs_service" "svc" {
  name            = "svc"
  cluster         = aws_ecs_cluster.main.id
  task_definition = aws_ecs_task_definition.app.arn
}

# arn:aws:logs:*:*:* 
resource "aws_iam_role_policy" "task_logs_wild" {
  name = "task-logs-wild"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource = "*" },
      { Effect = "Allow", Action = "logs:DescribeLogGroups", Resource = "*" },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:*:*:*" },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.exec.arn },
    ]
  })
}

resource "aws_iam_role" "operator" {
  name               = "operator"
  assume_role_policy = "{}"
}

resource "aws_iam_role_policy" "op_star" {
  name = "op-star"
  role = aws_iam_role.operator.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" },
    ]
  })
}

resource "aws_iam_policy" "op_ssm" {
  name = "op-ssm"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ssm:StartSession"], Resource = "*" },
    ]
  })
}
