resource "aws_kms_key" "exec" {
  description         = "exec"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/ecs-exec/test/main"
  kms_key_id        = aws_kms_key.exec.arn
  retention_in_days = 365
}

resource "aws_s3_bucket" "exec" {
  bucket = "exec-transcripts-main"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "exec" {
  bucket = aws_s3_bucket.exec.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm     = "aws:kms"
      kms_master_key_id = aws_kms_key.exec.arn
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
        s3_bucket_name                 = aws_s3_bucket.exec.bucket
        s3_bucket_encryption_enabled   = true
        s3_key_prefix                  = "exec/"
      }
    }
  }
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
}

resource "aws_iam_role" "task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}
