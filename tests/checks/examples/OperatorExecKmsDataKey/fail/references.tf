# The cluster named by reference, and a data key that only holds through another service.

resource "aws_iam_policy" "fail_cluster_by_reference" {
  name = "payments-exec-ref"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = aws_ecs_cluster.payments.arn }]
  })
}

# kms:ViaService is absent when the session-manager-plugin calls KMS itself: never granted.
resource "aws_iam_policy" "fail_data_key_via_s3_only" {
  name = "payments-exec-via"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = "ecs:ExecuteCommand"
        Resource = [aws_ecs_cluster.payments.arn, "arn:aws:ecs:*:*:task/payments/*"]
      },
      {
        Effect    = "Allow"
        Action    = "kms:GenerateDataKey"
        Resource  = aws_kms_key.exec.arn
        Condition = { StringEquals = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      },
    ]
  })
}
