# Policy shapes: layered aws_iam_policy_document data sources, heredoc JSON, Action as a string,
# NotAction, Resource lists mixing ARNs and references, Condition blocks.

variable "extra_policy_json" {
  type = string
}

resource "aws_kms_key" "exec" {
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "exec" {
  name       = "/ecs-exec/hostile/policies"
  kms_key_id = aws_kms_key.exec.arn
}

resource "aws_ecs_cluster" "main" {
  name = "policies"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

locals {
  ssm = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
}

data "aws_iam_policy_document" "exec_base" {
  statement {
    sid       = "Ssm"
    actions   = local.ssm
    resources = ["*"]
  }
  statement {
    sid       = "Describe"
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }
  statement {
    sid       = "Write"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.exec.arn}:*"]
    condition {
      test     = "StringEquals"
      variable = "aws:RequestedRegion"
      values   = ["eu-west-1"]
    }
  }
  statement {
    sid       = "Key"
    actions   = ["kms:Decrypt"]
    resources = [aws_kms_key.exec.arn, "arn:aws:kms:eu-west-1:123456789012:key/11111111-1111-1111-1111-111111111111"]
  }
}

# The source's statements plus a statement of its own that writes anywhere.
data "aws_iam_policy_document" "adds_star" {
  source_policy_documents = [data.aws_iam_policy_document.exec_base.json]
  statement {
    actions   = ["logs:PutLogEvents"]
    resources = ["*"]
  }
}

resource "aws_iam_policy" "layered_adds_star" {
  name   = "layered-adds-star"
  policy = data.aws_iam_policy_document.adds_star.json
}

# An override with the same sid replaces the broad statement of the source.
data "aws_iam_policy_document" "broad" {
  source_policy_documents = [data.aws_iam_policy_document.exec_base.json]
  statement {
    sid       = "Write"
    actions   = ["logs:CreateLogStream", "logs:PutLogEvents"]
    resources = ["*"]
  }
}

data "aws_iam_policy_document" "narrowed" {
  source_policy_documents   = [data.aws_iam_policy_document.broad.json]
  override_policy_documents = [jsonencode({ Statement = [{ Sid = "Write", Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.exec.arn}:*" }] })]
}

resource "aws_iam_policy" "layered_overridden" {
  name   = "layered-overridden"
  policy = data.aws_iam_policy_document.narrowed.json
}

resource "aws_iam_policy" "layered_broad" {
  name   = "layered-broad"
  policy = data.aws_iam_policy_document.broad.json
}

# A source Terraform only knows at plan time.
data "aws_iam_policy_document" "from_variable" {
  source_policy_documents = [var.extra_policy_json, data.aws_iam_policy_document.exec_base.json]
}

resource "aws_iam_policy" "layered_unknown" {
  name   = "layered-unknown"
  policy = data.aws_iam_policy_document.from_variable.json
}

# Heredoc JSON with interpolations; Action as a string.
resource "aws_iam_policy" "heredoc_ok" {
  name   = "heredoc-ok"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "Action": "ssmmessages:*", "Resource": "*"},
    {"Effect": "Allow", "Action": "logs:DescribeLogGroups", "Resource": "*"},
    {"Effect": "Allow", "Action": ["logs:CreateLogStream", "logs:PutLogEvents"], "Resource": "${aws_cloudwatch_log_group.exec.arn}:*"},
    {"Effect": "Allow", "Action": "kms:Decrypt", "Resource": "${aws_kms_key.exec.arn}"}
  ]
}
EOT
}

# NotAction on "*": allows ExecuteCommand and StartSession everywhere.
resource "aws_iam_policy" "not_action_everything" {
  name   = "not-action"
  policy = <<EOT
{
  "Version": "2012-10-17",
  "Statement": [
    {"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}
  ]
}
EOT
}

# ExecuteCommand on "*" narrowed by a condition: allowed by rule 8.
resource "aws_iam_policy" "exec_star_with_condition" {
  name = "exec-star-condition"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*", Condition = { StringEquals = { "aws:ResourceTag/team" = "platform" } } },
    ]
  })
}

# Resource list mixing literal ARNs and a reference: the referenced cluster has no task/<cluster>/*.
resource "aws_iam_policy" "mixed_resources" {
  name = "mixed-resources"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ecs:ExecuteCommand"], Resource = ["arn:aws:ecs:eu-west-1:123456789012:cluster/a", "arn:aws:ecs:eu-west-1:123456789012:task/a/*", aws_ecs_cluster.main.arn] },
    ]
  })
}
