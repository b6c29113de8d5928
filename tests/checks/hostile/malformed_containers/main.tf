# Container definitions ECS would refuse (a string logConfiguration, a list as an env name, options
# as a list): UNKNOWN, never a crash of the check; a well-formed neighbour is still judged.

resource "aws_kms_key" "exec" {
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "exec" {
  name       = "/ecs-exec/hostile/containers"
  kms_key_id = aws_kms_key.exec.arn
}

resource "aws_ecs_cluster" "main" {
  name = "containers"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
      }
    }
  }
}

resource "aws_ecs_task_definition" "malformed" {
  family = "malformed"
  container_definitions = jsonencode([
    { name = "a", image = "x", logConfiguration = "awslogs", environment = [{ name = ["AWS_ACCESS_KEY_ID"] }], secrets = "none" },
    { name = "b", image = "x", logConfiguration = { logDriver = "awslogs", options = ["awslogs-group"] } },
  ])
}

resource "aws_ecs_task_definition" "static_keys" {
  family = "static-keys"
  container_definitions = jsonencode([
    { name = "a", image = "x", environment = [{ name = "AWS_ACCESS_KEY_ID", value = "AKIAEXAMPLE" }] },
  ])
}

resource "aws_ecs_task_definition" "shares_exec_group" {
  family = "shares-exec-group"
  container_definitions = jsonencode([
    { name = "a", image = "x", logConfiguration = { logDriver = "awslogs", options = { "awslogs-group" = "/ecs-exec/hostile/containers" } } },
  ])
}

resource "aws_ecs_service" "malformed" {
  name                   = "malformed"
  cluster                = aws_ecs_cluster.main.id
  task_definition        = aws_ecs_task_definition.malformed.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "static_keys" {
  name                   = "static-keys"
  cluster                = aws_ecs_cluster.main.id
  task_definition        = aws_ecs_task_definition.static_keys.arn
  enable_execute_command = true
}
