# Guards that close every door, and limits that are not guards.

resource "aws_iam_policy" "guard" {
  name = "deny-exec-on"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Sid    = "OnlyTheExecWindowRoleTurnsExecOn"
      Effect = "Deny"
      Action = [
        "ecs:CreateDaemon", "ecs:CreateService", "ecs:RunTask",
        "ecs:StartTask", "ecs:UpdateDaemon", "ecs:UpdateService",
      ]
      Resource  = "*"
      Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}

# An SCP denying every ECS action with the key "true", except for the exec-window role.
resource "aws_organizations_policy" "scp" {
  name = "deny-exec-on"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Deny"
      Action   = "ecs:*"
      Resource = "*"
      Condition = {
        StringEquals = { "ecs:enable-execute-command" = "true" }
        ArnNotLike   = { "aws:PrincipalArn" = "arn:aws:iam::*:role/ecs-exec-window-*" }
      }
    }]
  })
}

data "aws_iam_policy_document" "guard" {
  statement {
    effect = "Deny"
    actions = [
      "ecs:CreateService", "ecs:UpdateService", "ecs:RunTask",
      "ecs:StartTask", "ecs:CreateDaemon", "ecs:UpdateDaemon",
    ]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "ecs:enable-execute-command"
      values   = ["t*"]
    }
  }
}

resource "aws_iam_policy" "guard_from_document" {
  name   = "deny-exec-on-document"
  policy = data.aws_iam_policy_document.guard.json
}

# A role's own inline limit is not a guard for others: not judged.
resource "aws_iam_role_policy" "own_limit" {
  name = "no-exec-on-updates"
  role = "ci-deployer"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Action    = ["ecs:UpdateService"]
      Resource  = "*"
      Condition = { Bool = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}

# A managed policy that is no guard at all.
resource "aws_iam_policy" "readonly" {
  name = "ecs-read"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ecs:Describe*", "ecs:List*"], Resource = "*" }]
  })
}

# A group's guard: all six actions, on services and task definitions, any case of "true".
resource "aws_iam_group_policy" "developers_guard" {
  name  = "deny-exec-on"
  group = "developers"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect = "Deny"
      Action = [
        "ecs:CreateService", "ecs:UpdateService", "ecs:RunTask",
        "ecs:StartTask", "ecs:CreateDaemon", "ecs:UpdateDaemon",
      ]
      Resource  = ["arn:aws:ecs:*:*:service/*", "arn:aws:ecs:*:*:task-definition/*", "arn:aws:ecs:*:*:*"]
      Condition = { StringEqualsIgnoreCase = { "ecs:enable-execute-command" = "TRUE" } }
    }]
  })
}
