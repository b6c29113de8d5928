resource "aws_iam_policy" "fail_unguarded" {
  name = "ssm"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ssm:StartSession", "ssm:TerminateSession"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy" "fail_deny_on_instances_only" {
  name = "ssm-ops"
  role = "ops"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ssm:*", Resource = "*" },
      { Effect = "Deny", Action = "ssm:StartSession", Resource = "arn:aws:ec2:*:*:instance/i-0secret" },
    ]
  })
}

resource "aws_iam_policy" "unknown_actions" {
  name = "ssm-actions-from-a-variable"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = data.aws_ssm_parameter.actions.insecure_value, Resource = "*" }]
  })
}

data "aws_ssm_parameter" "actions" {
  name = "/ops/ssm-actions"
}
