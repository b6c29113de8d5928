# One statement per action from a literal for_each: StartTask and the daemon actions missing.
data "aws_iam_policy_document" "per_action" {
  dynamic "statement" {
    for_each = toset(["ecs:CreateService", "ecs:UpdateService", "ecs:RunTask"])
    content {
      effect    = "Deny"
      actions   = [statement.value]
      resources = ["*"]
      condition {
        test     = "StringEquals"
        variable = "ecs:enable-execute-command"
        values   = ["true"]
      }
    }
  }
}

resource "aws_iam_policy" "fail_dynamic_statements" {
  name   = "deny-exec-on-dynamic"
  policy = data.aws_iam_policy_document.per_action.json
}
