# Exec with the data key, in one policy or across a role's policies.

resource "aws_kms_key" "exec" {
  description = "exec sessions"
}

resource "aws_ecs_cluster" "payments" {
  name = "payments"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "DEFAULT"
    }
  }
}

# A cluster without a session key: nothing to generate.
resource "aws_ecs_cluster" "plain" {
  name = "plain"
}

resource "aws_iam_policy" "exec_with_data_key" {
  name = "payments-exec"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      {
        Effect   = "Allow"
        Action   = ["ecs:ExecuteCommand"]
        Resource = ["arn:aws:ecs:eu-west-1:111122223333:cluster/payments", "arn:aws:ecs:eu-west-1:111122223333:task/payments/*"]
      },
      { Effect = "Allow", Action = ["kms:GenerateDataKey"], Resource = aws_kms_key.exec.arn },
    ]
  })
}

resource "aws_iam_role" "oncall" {
  name = "oncall"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

# The role's other policy grants the data key: the union works.
resource "aws_iam_role_policy" "role_exec" {
  name = "exec"
  role = aws_iam_role.oncall.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "arn:aws:ecs:*:*:task/payments/*" }]
  })
}

resource "aws_iam_role_policy" "role_kms" {
  name = "kms"
  role = aws_iam_role.oncall.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "kms:GenerateDataKey", Resource = "arn:aws:kms:*:*:key/*" }]
  })
}

resource "aws_iam_policy" "exec_into_plain_only" {
  name = "plain-exec"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "arn:aws:ecs:*:*:task/plain/*" }]
  })
}

# The cluster by reference; kms:ViaService only with IfExists (absent for the plugin's own call: holds).
resource "aws_iam_policy" "cluster_by_reference_via_if_exists" {
  name = "payments-exec-ref"
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
        Condition = { StringEqualsIfExists = { "kms:ViaService" = "s3.eu-west-1.amazonaws.com" } }
      },
    ]
  })
}
