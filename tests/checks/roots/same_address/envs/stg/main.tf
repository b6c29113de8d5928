# Same module address as the other roots (module.cluster), this root's own names.

resource "aws_iam_role" "task" {
  name = "payments-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { Service = "ecs-tasks.amazonaws.com" }, Action = "sts:AssumeRole" }]
  })
}

module "cluster" {
  source = "../../modules/cluster"

  name           = "payments"
  log_group_name = "/exec/stg/payments"
  bucket_name    = "exec-transcripts-stg"
  task_role_name = aws_iam_role.task.name
}
