# A document published for other accounts' principals (a module output), not used inline here:
# judged as a guard too (reported on the data source).
data "aws_iam_policy_document" "fail_published_guard" {
  statement {
    effect    = "Deny"
    actions   = ["ecs:UpdateService"]
    resources = ["*"]
    condition {
      test     = "StringEquals"
      variable = "ecs:enable-execute-command"
      values   = ["true"]
    }
  }
}

output "guard_json" {
  value = data.aws_iam_policy_document.fail_published_guard.json
}
