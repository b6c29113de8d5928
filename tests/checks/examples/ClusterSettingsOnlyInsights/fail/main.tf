resource "aws_ecs_cluster" "fail_exec_setting" {
  name = "a"
  setting {
    name  = "containerInsights"
    value = "enabled"
  }
  setting {
    name  = "executeCommand"
    value = "enabled"
  }
}
