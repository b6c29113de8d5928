resource "aws_s3_bucket" "plain" {
  bucket = "exec-plain"
}

resource "aws_s3_bucket" "encrypted" {
  bucket = "exec-encrypted"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "encrypted" {
  bucket = aws_s3_bucket.encrypted.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_ecs_cluster" "fail_bucket_without_default_encryption" {
  name = "a"
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        s3_bucket_name               = aws_s3_bucket.plain.bucket
        s3_bucket_encryption_enabled = true
      }
    }
  }
}

resource "aws_ecs_cluster" "fail_flag_missing" {
  name = "b"
  configuration {
    execute_command_configuration {
      logging = "OVERRIDE"
      log_configuration {
        s3_bucket_name = aws_s3_bucket.encrypted.bucket
      }
    }
  }
}
