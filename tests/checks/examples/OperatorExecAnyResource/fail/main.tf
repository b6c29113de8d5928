resource "aws_iam_policy" "fail_star" {
  name = "operator"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }]
  })
}

data "aws_iam_policy_document" "wildcard_action" {
  statement {
    actions   = ["ecs:*"]
    resources = ["*"]
  }
}

resource "aws_iam_role_policy" "fail_ecs_wildcard" {
  name   = "admin"
  role   = "operators"
  policy = data.aws_iam_policy_document.wildcard_action.json
}
