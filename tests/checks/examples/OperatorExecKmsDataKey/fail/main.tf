# aws-cli #7902: exec into a KMS-keyed cluster without kms:GenerateDataKey on its key.

resource "aws_kms_key" "exec" {
  description = "exec sessions"
}

resource "aws_kms_key" "other" {
  description = "something else"
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

# Not attached to anything here: judged alone.
resource "aws_iam_policy" "fail_exec_without_data_key" {
  name = "payments-exec"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = ["ecs:ExecuteCommand"]
      Resource = ["arn:aws:ecs:eu-west-1:111122223333:cluster/payments", "arn:aws:ecs:eu-west-1:111122223333:task/payments/*"]
    }]
  })
}

resource "aws_iam_role" "oncall" {
  name = "oncall"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ec2.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

# On a role whose other policy allows the data key of another key only: the union still lacks it.
resource "aws_iam_role_policy" "fail_role_exec" {
  name = "exec"
  role = aws_iam_role.oncall.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }]
  })
}

resource "aws_iam_role_policy" "other_key" {
  name = "kms"
  role = aws_iam_role.oncall.id
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "kms:GenerateDataKey", Resource = aws_kms_key.other.arn }]
  })
}

variable "key_id" {
  type = string
}

# The data key's resource is only known at plan time: UNKNOWN.
resource "aws_iam_policy" "unknown_key_from_variable" {
  name = "payments-exec-variable"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "arn:aws:ecs:eu-west-1:111122223333:task/payments/*" },
      { Effect = "Allow", Action = "kms:GenerateDataKey", Resource = "arn:aws:kms:eu-west-1:111122223333:key/${var.key_id}" },
    ]
  })
}
