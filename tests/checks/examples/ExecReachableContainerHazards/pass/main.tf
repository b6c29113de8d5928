# Services exec can reach, with containers the agent works in; and hazards where exec cannot reach.

resource "aws_ecs_cluster" "payments" {
  name = "payments"
  tags = { "ecs-exec:exec-mode" = "windowed" }
}

resource "aws_ecs_cluster" "batch" {
  name = "batch"
  tags = { "ecs-exec:exec-mode" = "never" }
}

resource "aws_ecs_task_definition" "clean" {
  family   = "app"
  pid_mode = "host"
  container_definitions = jsonencode([{
    name                   = "app"
    image                  = "app:1"
    readonlyRootFilesystem = false
    environment            = [{ name = "AWS_REGION", value = "eu-west-1" }]
  }])
}

resource "aws_ecs_service" "app" {
  name            = "app"
  cluster         = aws_ecs_cluster.payments.id
  task_definition = aws_ecs_task_definition.clean.arn

  lifecycle {
    ignore_changes = [enable_execute_command, desired_count]
  }
}

# A read-only root filesystem in a "never" cluster, flag false, not ignored: exec never reaches it.
resource "aws_ecs_task_definition" "read_only_out_of_reach" {
  family = "etl"
  container_definitions = jsonencode([{
    name                   = "etl"
    image                  = "etl:1"
    readonlyRootFilesystem = true
  }])
}

resource "aws_ecs_service" "etl" {
  name                   = "etl"
  cluster                = aws_ecs_cluster.batch.id
  task_definition        = aws_ecs_task_definition.read_only_out_of_reach.arn
  enable_execute_command = false
}
