resource "aws_ecs_cluster" "main" {
  name = "main"
}

resource "aws_iam_policy" "fail_cluster_only" {
  name = "operator"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = aws_ecs_cluster.main.arn }]
  })
}

resource "aws_iam_policy" "fail_tasks_of_another_cluster" {
  name = "operator-other"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ecs:ExecuteCommand"
      Resource = ["arn:aws:ecs:eu-west-1:123456789012:cluster/main", "arn:aws:ecs:eu-west-1:123456789012:task/other/*"]
    }]
  })
}
