# One cluster's exec setup; every root calls it as module "cluster" with its own names.

variable "name" {
  type = string
}

variable "log_group_name" {
  type = string
}

variable "bucket_name" {
  type = string
}

variable "task_role_name" {
  type = string
}

resource "aws_kms_key" "this" {
  description         = "exec ${var.name}"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "this" {
  name              = var.log_group_name
  retention_in_days = 365
  kms_key_id        = aws_kms_key.this.arn
}

resource "aws_s3_bucket" "this" {
  bucket = var.bucket_name
}

resource "aws_s3_bucket_server_side_encryption_configuration" "this" {
  bucket = aws_s3_bucket.this.id

  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.this.arn
    }
  }
}

resource "aws_ecs_cluster" "this" {
  name = var.name

  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.this.arn
      logging    = "OVERRIDE"

      log_configuration {
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.this.name
        cloud_watch_encryption_enabled = true
        s3_bucket_name                 = aws_s3_bucket.this.id
        s3_bucket_encryption_enabled   = true
        s3_key_prefix                  = "exec/"
      }
    }
  }
}

resource "aws_iam_policy" "this" {
  name = "exec-${var.name}"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["logs:DescribeLogGroups"]
        Resource = "*"
      },
      {
        Effect   = "Allow"
        Action   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
        Resource = "${aws_cloudwatch_log_group.this.arn}:*"
      },
      {
        Effect   = "Allow"
        Action   = ["kms:Decrypt", "kms:GenerateDataKey"]
        Resource = aws_kms_key.this.arn
      },
      {
        Effect   = "Allow"
        Action   = ["s3:PutObject"]
        Resource = "${aws_s3_bucket.this.arn}/exec/*"
      },
      {
        Effect   = "Allow"
        Action   = ["s3:GetEncryptionConfiguration"]
        Resource = aws_s3_bucket.this.arn
      },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "this" {
  role       = var.task_role_name
  policy_arn = aws_iam_policy.this.arn
}
