locals {
  ssm = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
}

resource "aws_iam_role_policy" "fail_encryption_config_on_objects" {
  name = "objects"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = ["s3:GetEncryptionConfiguration", "s3:PutObject"], Resource = "${aws_s3_bucket.exec.arn}/*" },
      { Effect = "Allow", Action = ["kms:GenerateDataKey"], Resource = aws_kms_key.exec.arn },
    ]
  })
}

resource "aws_iam_role_policy" "fail_put_outside_prefix" {
  name = "prefix"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = "s3:GetEncryptionConfiguration", Resource = aws_s3_bucket.exec.arn },
      { Effect = "Allow", Action = "s3:PutObject", Resource = "${aws_s3_bucket.exec.arn}/other/*" },
      { Effect = "Allow", Action = ["kms:GenerateDataKey"], Resource = aws_kms_key.exec.arn },
    ]
  })
}

resource "aws_iam_role_policy" "fail_no_generate_data_key" {
  name = "kms"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = local.ssm, Resource = "*" },
      { Effect = "Allow", Action = "s3:GetEncryptionConfiguration", Resource = aws_s3_bucket.exec.arn },
      { Effect = "Allow", Action = "s3:PutObject", Resource = "${aws_s3_bucket.exec.arn}/exec/*" },
    ]
  })
}
