# Roles that hand out exec only to callers the trust policy names, and roles that hand out none.

locals {
  exec_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "arn:aws:ecs:*:*:task/payments/*" }]
  })
}

# The account root, but the source identity must be the caller's IAM user name.
resource "aws_iam_role" "source_identity_is_username" {
  name = "exec-operator"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Condition = { StringEquals = { "sts:SourceIdentity" = "$${aws:username}" } }
    }]
  })
  inline_policy {
    name   = "exec"
    policy = local.exec_policy
  }
}

# The account root, limited to the SSO permission-set roles by aws:PrincipalArn.
resource "aws_iam_role" "principal_arn_bound" {
  name = "exec-sso"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sts:AssumeRole"
      Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/aws-reserved/sso.amazonaws.com/*/AWSReservedSSO_Oncall_*" } }
    }]
  })
  inline_policy {
    name   = "exec"
    policy = local.exec_policy
  }
}

# Named principals.
resource "aws_iam_role" "named_principals" {
  name = "exec-window"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = ["arn:aws:iam::111122223333:role/exec-operator"] }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "open"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ecs:UpdateService", Resource = "*" }]
    })
  }
}

# Trusts the root, but may only turn exec off: hands out nothing.
resource "aws_iam_role" "only_turns_exec_off" {
  name = "exec-closer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "close"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Allow"
        Action    = "ecs:UpdateService"
        Resource  = "*"
        Condition = { StringEquals = { "ecs:enable-execute-command" = "false" } }
      }]
    })
  }
}

# Trusts the root, may deploy, but carries the guard: hands out nothing.
resource "aws_iam_role" "guarded_deployer" {
  name = "ci-deployer"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "deploy"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["ecs:UpdateService", "ecs:CreateService"], Resource = "*" }]
    })
  }
  inline_policy {
    name = "guard"
    policy = jsonencode({
      Version = "2012-10-17"
      Statement = [{
        Effect    = "Deny"
        Action    = ["ecs:CreateService", "ecs:UpdateService", "ecs:RunTask", "ecs:StartTask", "ecs:CreateDaemon", "ecs:UpdateDaemon"]
        Resource  = "*"
        Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
      }]
    })
  }
}

# A prefix of role names, and a fixed prefix before the user name: both name the caller.
resource "aws_iam_role" "principal_arn_prefix_and_prefixed_username" {
  name = "exec-prefixed"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = "sts:AssumeRole"
        Condition = { ArnLike = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/oncall-*" } }
      },
      {
        Effect    = "Allow"
        Principal = { AWS = "arn:aws:iam::111122223333:root" }
        Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
        Condition = { StringLike = { "sts:SourceIdentity" = "op-$${aws:username}" } }
      },
    ]
  })
  inline_policy {
    name   = "exec"
    policy = local.exec_policy
  }
}

# GitHub OIDC for one repository's production environment.
resource "aws_iam_role" "github_one_repository" {
  name = "exec-ci"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:example-org/payments:environment:*" }
      }
    }]
  })
  inline_policy {
    name   = "exec"
    policy = local.exec_policy
  }
}
