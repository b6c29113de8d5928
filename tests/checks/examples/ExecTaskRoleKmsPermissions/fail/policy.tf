resource "aws_iam_policy" "fail_no_decrypt" {
  name = "exec"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource = "*" },
      { Effect = "Allow", Action = "kms:GenerateDataKey", Resource = aws_kms_key.exec.arn },
    ]
  })
}

resource "aws_iam_role_policy_attachment" "exec" {
  role       = aws_iam_role.task.name
  policy_arn = aws_iam_policy.fail_no_decrypt.arn
}

resource "aws_kms_key" "other" {
  enable_key_rotation = true
}

resource "aws_iam_role_policy" "fail_decrypt_on_another_key" {
  name = "other"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource = "*" },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.other.arn },
    ]
  })
}
