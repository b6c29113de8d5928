resource "aws_iam_policy" "scoped" {
  name = "operator"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ecs:ExecuteCommand"
      Resource = ["arn:aws:ecs:eu-west-1:123456789012:cluster/main", "arn:aws:ecs:eu-west-1:123456789012:task/main/*"]
    }]
  })
}

resource "aws_iam_policy" "star_with_condition" {
  name = "operator-tagged"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "ecs:ExecuteCommand"
      Resource  = "*"
      Condition = { StringEquals = { "ecs:container-name" = "app" } }
    }]
  })
}
