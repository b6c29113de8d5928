# Guards that leave a door open.

# The usual one: StartTask (and the newer daemon actions) forgotten.
resource "aws_iam_policy" "fail_without_start_task" {
  name = "deny-exec-on"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Action    = ["ecs:CreateService", "ecs:UpdateService", "ecs:RunTask"]
      Resource  = "*"
      Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}

# Every action, but Bool on a String-typed key.
resource "aws_iam_policy" "fail_bool_operator" {
  name = "deny-exec-on-bool"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Deny"
      Action = [
        "ecs:CreateService", "ecs:UpdateService", "ecs:RunTask",
        "ecs:StartTask", "ecs:CreateDaemon", "ecs:UpdateDaemon",
      ]
      Resource  = "*"
      Condition = { Bool = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}

# A service control policy for the whole organization, split over statements: StartTask missing.
resource "aws_organizations_policy" "fail_scp_split" {
  name = "deny-exec-on"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Deny"
        Action    = ["ecs:CreateService", "ecs:UpdateService"]
        Resource  = "*"
        Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
      },
      {
        Effect    = "Deny"
        Action    = ["ecs:RunTask", "ecs:CreateDaemon", "ecs:UpdateDaemon"]
        Resource  = "*"
        Condition = { StringEqualsIgnoreCase = { "ecs:enable-execute-command" = "TRUE" } }
      },
    ]
  })
}

# An aws_iam_policy_document read by a managed policy: BoolIfExists.
data "aws_iam_policy_document" "guard" {
  statement {
    effect    = "Deny"
    actions   = ["ecs:Create*", "ecs:Update*", "ecs:RunTask", "ecs:StartTask"]
    resources = ["*"]
    condition {
      test     = "BoolIfExists"
      variable = "ecs:enable-execute-command"
      values   = ["true"]
    }
  }
}

resource "aws_iam_policy" "fail_document_bool_if_exists" {
  name   = "deny-exec-on-document"
  policy = data.aws_iam_policy_document.guard.json
}

variable "guarded_actions" {
  type = list(string)
}

# Actions only known at plan time: UNKNOWN.
resource "aws_iam_policy" "unknown_actions" {
  name = "deny-exec-on-variable"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Action    = var.guarded_actions
      Resource  = "*"
      Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}
