# ecs:cluster compared with a cluster name: the key holds the ARN, the statement never matches
# (a public Terraform module shipped the first one).

resource "aws_iam_policy" "fail_string_equals_name" {
  name = "exec-payments"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Action    = ["ecs:ExecuteCommand", "ecs:ListTasks", "ecs:DescribeTasks"]
      Resource  = "*"
      Condition = { StringEquals = { "ecs:cluster" = "payments" } }
    }]
  })
}

resource "aws_iam_role_policy" "fail_arn_like_if_exists_name" {
  name = "list-payments"
  role = "oncall"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ListTasks", Resource = "*", Condition = { ArnLikeIfExists = { "ecs:cluster" = ["payments*"] } } }]
  })
}

resource "aws_ecs_cluster" "payments" {
  name = "payments"
}

# A reference to the cluster's name, not its ARN.
data "aws_iam_policy_document" "by_name" {
  statement {
    actions   = ["ecs:ExecuteCommand"]
    resources = ["*"]
    condition {
      test     = "StringLike"
      variable = "ecs:cluster"
      values   = [aws_ecs_cluster.payments.name]
    }
  }
}

resource "aws_iam_policy" "fail_document_cluster_name" {
  name   = "exec-payments-document"
  policy = data.aws_iam_policy_document.by_name.json
}

variable "cluster" {
  type = string
}

# Only known at plan time: UNKNOWN.
resource "aws_iam_policy" "unknown_cluster_variable" {
  name = "exec-variable"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ListTasks", Resource = "*", Condition = { ArnEquals = { "ecs:cluster" = var.cluster } } }]
  })
}
