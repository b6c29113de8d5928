resource "aws_iam_policy" "guarded" {
  name = "ssm"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ssm:StartSession", Resource = "*" },
      { Effect = "Deny", Action = "ssm:StartSession", Resource = "arn:aws:ecs:*:*:task/*" },
    ]
  })
}

resource "aws_iam_role_policy" "scoped" {
  name = "ssm-instances"
  role = "ops"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ssm:StartSession", Resource = "arn:aws:ec2:eu-west-1:123456789012:instance/*" }]
  })
}
