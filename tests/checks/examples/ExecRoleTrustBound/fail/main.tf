# Roles that hand out exec to anyone in the account, under any name.

data "aws_caller_identity" "current" {}

# The account root with only Null sts:SourceIdentity: anyone allowed sts:AssumeRole picks any name.
resource "aws_iam_role" "fail_root_null_source_identity" {
  name = "exec-operator"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Condition = { Null = { "sts:SourceIdentity" = "false" } }
    }]
  })
}

resource "aws_iam_role_policy" "operator_exec" {
  name = "exec"
  role = aws_iam_role.fail_root_null_source_identity.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "arn:aws:ecs:*:*:task/payments/*" }]
  })
}

# "*" with exec turned on through UpdateService.
resource "aws_iam_role" "fail_anyone" {
  name = "exec-opener"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = "*" }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "open"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ecs:UpdateService", Resource = "*" }]
    })
  }
}

# The account from a data source counts as this account's root.
resource "aws_iam_role" "fail_data_source_account" {
  name = "exec-debug"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root" }
      Action    = "sts:AssumeRole"
    }]
  })
}

resource "aws_iam_policy" "debug_exec" {
  name = "debug-exec"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = ["ecs:ExecuteCommand", "ecs:DescribeTasks"], Resource = "*" }]
  })
}

resource "aws_iam_role_policy_attachment" "debug_exec" {
  role       = aws_iam_role.fail_data_source_account.name
  policy_arn = aws_iam_policy.debug_exec.arn
}

# A bare account id is the root too; aws_iam_policy_document trust.
data "aws_iam_policy_document" "trust_account" {
  statement {
    actions = ["sts:AssumeRole"]
    principals {
      type        = "AWS"
      identifiers = ["111122223333"]
    }
    condition {
      test     = "StringLike"
      variable = "sts:SourceIdentity"
      values   = ["*"]
    }
  }
}

resource "aws_iam_role" "fail_bare_account_id" {
  name               = "exec-runner"
  assume_role_policy = data.aws_iam_policy_document.trust_account.json
  inline_policy {
    name = "run"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = ["ecs:RunTask", "ecs:StartTask"], Resource = "*" }]
    })
  }
}

variable "trusted" {
  type = string
}

# The principal is only known at plan time: UNKNOWN.
resource "aws_iam_role" "unknown_principal" {
  name = "exec-unknown"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = var.trusted }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "exec"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }]
    })
  }
}
