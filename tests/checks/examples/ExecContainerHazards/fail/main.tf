resource "aws_ecs_task_definition" "fail_static_keys" {
  family = "app"
  container_definitions = jsonencode([{
    name        = "app"
    image       = "app:1"
    environment = [{ name = "AWS_ACCESS_KEY_ID", value = "AKIAEXAMPLE" }]
  }])
}

resource "aws_ecs_task_definition" "fail_secret_key" {
  family = "worker"
  container_definitions = jsonencode([{
    name    = "worker"
    image   = "worker:1"
    secrets = [{ name = "AWS_SECRET_ACCESS_KEY", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/k" }]
  }])
}

resource "aws_ecs_task_definition" "fail_read_only_root" {
  family = "api"
  container_definitions = jsonencode([{
    name                   = "api"
    image                  = "api:1"
    readonlyRootFilesystem = true
  }])
}

resource "aws_ecs_service" "app" {
  name                   = "app"
  task_definition        = aws_ecs_task_definition.fail_static_keys.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "worker" {
  name                   = "worker"
  task_definition        = aws_ecs_task_definition.fail_secret_key.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "api" {
  name                   = "api"
  task_definition        = aws_ecs_task_definition.fail_read_only_root.arn
  enable_execute_command = true
}

# exec-checker #75/#76: a task-level PID namespace, exec reaches only one container.
resource "aws_ecs_task_definition" "fail_pid_mode_task" {
  family   = "sidecars"
  pid_mode = "task"
  container_definitions = jsonencode([
    { name = "app", image = "app:1" },
    { name = "envoy", image = "envoy:1" },
  ])
}

resource "aws_ecs_service" "sidecars" {
  name                   = "sidecars"
  task_definition        = aws_ecs_task_definition.fail_pid_mode_task.arn
  enable_execute_command = true
}
