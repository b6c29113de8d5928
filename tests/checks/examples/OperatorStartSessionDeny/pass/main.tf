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

# An operator policy: no StartSession allowed at all, and an explicit Deny on ECS task targets
# (partition from the data source, as the generated roots write it).
data "aws_partition" "current" {}

resource "aws_iam_role_policy" "deny_only" {
  name = "operator"
  role = "operator"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ecs:ExecuteCommand"], Resource = ["arn:aws:ecs:eu-west-1:123456789012:task/app/*"] },
      { Effect = "Deny", Action = ["ssm:StartSession"], Resource = "arn:${data.aws_partition.current.partition}:ecs:*:*:task/*" },
    ]
  })
}

resource "aws_iam_policy" "not_granted" {
  name = "logs"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "logs:DescribeLogGroups", Resource = "*" }]
  })
}
