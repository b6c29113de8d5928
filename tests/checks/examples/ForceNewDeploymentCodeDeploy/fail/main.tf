resource "aws_ecs_service" "fail_codedeploy_forced" {
  name                 = "a"
  task_definition      = "a:1"
  force_new_deployment = true
  deployment_controller {
    type = "CODE_DEPLOY"
  }
}
