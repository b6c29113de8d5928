# A cluster whose exec sessions use a key of its own, created here: its ARN leaves only as an output.

variable "name" {
  type = string
}

resource "aws_kms_key" "this" {
  description         = "exec sessions of ${var.name}"
  enable_key_rotation = true
}

resource "aws_ecs_cluster" "this" {
  name = var.name
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.this.arn
      logging    = "DEFAULT"
    }
  }
}

output "kms_key_arn" {
  value = aws_kms_key.this.arn
}

output "cluster_arn" {
  value = try(aws_ecs_cluster.this.arn, null)
}
