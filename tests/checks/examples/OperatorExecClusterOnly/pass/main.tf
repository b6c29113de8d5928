resource "aws_ecs_cluster" "main" {
  name = "main"
}

data "aws_iam_policy_document" "operator" {
  statement {
    actions   = ["ecs:ExecuteCommand"]
    resources = [aws_ecs_cluster.main.arn, "arn:aws:ecs:eu-west-1:123456789012:task/main/*"]
  }
}

resource "aws_iam_policy" "cluster_and_tasks" {
  name   = "operator"
  policy = data.aws_iam_policy_document.operator.json
}
