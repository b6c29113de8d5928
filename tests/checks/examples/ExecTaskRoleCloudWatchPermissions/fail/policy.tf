locals {
  ssm = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
}

resource "aws_iam_role_policy" "fail_logs_on_star" {
  name = "broad"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = ["logs:DescribeLogGroups", "logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" },
      { Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = aws_kms_key.exec.arn },
    ]
  })
}

resource "aws_iam_role_policy" "fail_describe_scoped_and_no_stream_suffix" {
  name = "scoped"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = ["logs:DescribeLogGroups", "logs:CreateLogStream", "logs:PutLogEvents"], Resource = aws_cloudwatch_log_group.exec.arn },
    ]
  })
}

resource "aws_iam_role_policy" "fail_account_wide" {
  name = "account"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = "logs:DescribeLogGroups", Resource = "*" },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:eu-west-1:123456789012:*" },
    ]
  })
}

resource "aws_iam_role_policy" "literal_arn_is_fine" {
  name = "literal"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = "logs:DescribeLogGroups", Resource = "*" },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "arn:aws:logs:eu-west-1:123456789012:log-group:/ecs-exec/test/main:*" },
    ]
  })
}

# A Deny as wide as the Allow: the agent can write no session stream.
resource "aws_iam_role_policy" "fail_denied_on_every_stream" {
  name = "denied"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = "logs:DescribeLogGroups", Resource = "*" },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.exec.arn}:*" },
      { Effect = "Deny", Action = ["logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.exec.arn}:log-stream:*" },
    ]
  })
}
