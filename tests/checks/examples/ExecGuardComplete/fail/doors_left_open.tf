# Guards that name all six actions but still close nothing, or not everywhere.

locals {
  exec_enabling = [
    "ecs:CreateService", "ecs:UpdateService", "ecs:RunTask",
    "ecs:StartTask", "ecs:CreateDaemon", "ecs:UpdateDaemon",
  ]
}

# StringEquals is case-sensitive: "True" never equals the request's "true".
resource "aws_iam_policy" "fail_capitalized_true" {
  name = "deny-exec-on-capitalized"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Action    = local.exec_enabling
      Resource  = "*"
      Condition = { StringEquals = { "ecs:enable-execute-command" = "True" } }
    }]
  })
}

# RunTask and StartTask are authorized on the task definition, not on a service.
resource "aws_iam_policy" "fail_services_only" {
  name = "deny-exec-on-services"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Action    = local.exec_enabling
      Resource  = "arn:aws:ecs:*:*:service/*"
      Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}

# Another condition narrows the Deny: every other region stays open.
resource "aws_iam_policy" "fail_one_region" {
  name = "deny-exec-on-one-region"
  policy = jsonencode({
    Version  = "2012-10-17"
    Statement = [{
      Effect   = "Deny"
      Action   = local.exec_enabling
      Resource = "*"
      Condition = {
        StringEquals = { "ecs:enable-execute-command" = "true", "aws:RequestedRegion" = "us-east-1" }
      }
    }]
  })
}

# Values that never match "true": the guard closes nothing.
resource "aws_organizations_policy" "fail_never_true" {
  name = "deny-exec-never"
  type = "SERVICE_CONTROL_POLICY"
  content = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Deny"
        Action    = "ecs:*"
        Resource  = "*"
        Condition = { StringEquals = { "ecs:enable-execute-command" = "false" } }
      },
      {
        Effect    = "Deny"
        Action    = "ecs:*"
        Resource  = "*"
        Condition = { StringLike = { "ecs:enable-execute-command" = "yes" } }
      },
    ]
  })
}

# A group's inline policy binds every member: a guard, and StartTask is missing.
resource "aws_iam_group_policy" "fail_group_without_start_task" {
  name  = "deny-exec-on"
  group = "developers"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Action    = ["ecs:CreateService", "ecs:UpdateService", "ecs:RunTask", "ecs:CreateDaemon", "ecs:UpdateDaemon"]
      Resource  = "*"
      Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}
