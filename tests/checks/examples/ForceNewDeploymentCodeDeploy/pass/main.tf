resource "aws_ecs_service" "ecs_controller" {
  name                 = "a"
  task_definition      = "a:1"
  force_new_deployment = true
}

resource "aws_ecs_service" "codedeploy_without_force" {
  name            = "b"
  task_definition = "b:1"
  deployment_controller {
    type = "CODE_DEPLOY"
  }
}
