resource "aws_ecs_cluster" "insights" {
  name = "a"
  setting {
    name  = "containerInsights"
    value = "enhanced"
  }
}

resource "aws_ecs_cluster" "no_settings" {
  name = "b"
}
