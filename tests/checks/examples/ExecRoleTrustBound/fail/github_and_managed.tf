# GitHub OIDC for any repository, and the bare root with AWS's AdministratorAccess.

resource "aws_iam_role" "fail_github_any_repository" {
  name = "exec-ci"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { Federated = "arn:aws:iam::111122223333:oidc-provider/token.actions.githubusercontent.com" }
      Action    = "sts:AssumeRoleWithWebIdentity"
      Condition = {
        StringEquals = { "token.actions.githubusercontent.com:aud" = "sts.amazonaws.com" }
        StringLike   = { "token.actions.githubusercontent.com:sub" = "repo:*" }
      }
    }]
  })
  inline_policy {
    name = "exec"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "arn:aws:ecs:*:*:task/payments/*" }]
    })
  }
}

resource "aws_iam_role" "fail_root_administrator" {
  name = "break-glass"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "arn:aws:iam::111122223333:root" }, Action = "sts:AssumeRole" }]
  })
}

resource "aws_iam_role_policy_attachment" "break_glass_admin" {
  role       = aws_iam_role.fail_root_administrator.name
  policy_arn = "arn:aws:iam::aws:policy/AdministratorAccess"
}
