# ecs:cluster compared with cluster ARNs.

data "aws_partition" "current" {}

data "aws_caller_identity" "current" {}

resource "aws_ecs_cluster" "payments" {
  name = "payments"
}

resource "aws_iam_policy" "arn_equals_reference" {
  name = "list-payments"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ListTasks", Resource = "*", Condition = { ArnEquals = { "ecs:cluster" = aws_ecs_cluster.payments.arn } } }]
  })
}

resource "aws_iam_role_policy" "string_like_arn_pattern" {
  name = "list-pay"
  role = "oncall"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = "ecs:ListTasks"
      Resource  = "*"
      Condition = { StringLike = { "ecs:cluster" = ["arn:aws:ecs:*:111122223333:cluster/pay*", "*:cluster/payments"] } }
    }]
  })
}

resource "aws_iam_policy" "built_from_data_sources" {
  name = "list-built"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect   = "Allow"
      Action   = "ecs:ListTasks"
      Resource = "*"
      Condition = {
        ArnEquals = { "ecs:cluster" = "arn:${data.aws_partition.current.partition}:ecs:eu-west-1:${data.aws_caller_identity.current.account_id}:cluster/payments" }
      }
    }]
  })
}

# Another key with a name: not this check's business.
resource "aws_iam_policy" "container_name" {
  name = "exec-app"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*", Condition = { StringEquals = { "ecs:container-name" = "app" } } }]
  })
}
