data "aws_iam_policy_document" "exec" {
  statement {
    actions   = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"]
    resources = ["*"]
  }
  statement {
    actions   = ["logs:DescribeLogGroups"]
    resources = ["*"]
  }
  statement {
    actions   = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"]
    resources = ["${aws_cloudwatch_log_group.exec.arn}:*"]
  }
  statement {
    actions   = ["s3:GetEncryptionConfiguration"]
    resources = [aws_s3_bucket.exec.arn]
  }
  statement {
    actions   = ["s3:PutObject"]
    resources = ["${aws_s3_bucket.exec.arn}/exec/*"]
  }
  statement {
    actions   = ["kms:Decrypt", "kms:GenerateDataKey"]
    resources = [aws_kms_key.exec.arn]
  }
}

resource "aws_iam_role_policy" "exec" {
  name   = "exec"
  role   = aws_iam_role.task.id
  policy = data.aws_iam_policy_document.exec.json
}

# The generated form: writes allowed on <group-arn>:* but denied on the window-events stream (a
# Deny narrower than the Allow: sessions still log).
resource "aws_iam_role_policy" "exec_without_window_events" {
  name = "exec-no-window-events"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource = "*" },
      { Effect = "Allow", Action = "logs:DescribeLogGroups", Resource = "*" },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:DescribeLogStreams", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.exec.arn}:*" },
      { Effect = "Deny", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "${aws_cloudwatch_log_group.exec.arn}:log-stream:exec-windows" },
      { Effect = "Allow", Action = ["kms:Decrypt", "kms:GenerateDataKey"], Resource = aws_kms_key.exec.arn },
      { Effect = "Allow", Action = "s3:GetEncryptionConfiguration", Resource = aws_s3_bucket.exec.arn },
      { Effect = "Allow", Action = "s3:PutObject", Resource = "${aws_s3_bucket.exec.arn}/exec/*" },
    ]
  })
}
