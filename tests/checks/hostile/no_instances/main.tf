# Resources Terraform creates no instance of (count = 0, an empty for_each): no record, as checkov
# does for count = 0 in its resource checks; a broad policy that is never created is not a finding.

variable "on" { default = false }
resource "aws_iam_policy" "p_count0" {
  count  = 0
  name   = "p0"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }] })
}
resource "aws_iam_policy" "p_cond" {
  count  = var.on ? 1 : 0
  name   = "p1"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }] })
}
resource "aws_iam_policy" "p_each_empty" {
  for_each = toset([])
  name     = "p2"
  policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }] })
}
resource "aws_iam_policy" "p_each_map_empty" {
  for_each = {}
  name     = "p3"
  policy   = jsonencode({ Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }] })
}
resource "aws_iam_policy" "p_one" {
  count  = 1
  name   = "p4"
  policy = jsonencode({ Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }] })
}
