# Conditions that look like they bind the caller but admit anyone of the account.

locals {
  any_task_exec = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "arn:aws:ecs:*:*:task/payments/*" }]
  })
}

# sts:SourceIdentity compared with itself: always true, whatever name the caller sets.
resource "aws_iam_role" "fail_source_identity_is_itself" {
  name = "exec-self"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Condition = { StringEquals = { "sts:SourceIdentity" = "$${sts:SourceIdentity}" } }
    }]
  })
  inline_policy {
    name   = "exec"
    policy = local.any_task_exec
  }
}

# A wildcard around the user name: user "al" may call itself "alice".
resource "aws_iam_role" "fail_source_identity_contains_username" {
  name = "exec-contains"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Condition = { StringLike = { "sts:SourceIdentity" = "*$${aws:username}*" } }
    }]
  })
  inline_policy {
    name   = "exec"
    policy = local.any_task_exec
  }
}

# aws:PrincipalArn matching every principal of the account.
resource "aws_iam_role" "fail_principal_arn_whole_account" {
  name = "exec-account"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sts:AssumeRole"
      Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:*" } }
    }]
  })
  inline_policy {
    name   = "exec"
    policy = local.any_task_exec
  }
}

# ... or every role of it (ArnEquals reads wildcards as ArnLike does).
resource "aws_iam_role" "fail_principal_arn_every_role" {
  name = "exec-roles"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sts:AssumeRole"
      Condition = { ArnEquals = { "aws:PrincipalArn" = ["arn:aws:iam::111122223333:role/exec-oncall", "arn:aws:iam::111122223333:role/*"] } }
    }]
  })
  inline_policy {
    name   = "exec"
    policy = local.any_task_exec
  }
}
