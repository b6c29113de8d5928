# Services exec reaches without `enable_execute_command = true` in their code, with hazards.

# The config marks this cluster windowed: exec windows turn exec on for its services.
resource "aws_ecs_cluster" "payments" {
  name = "payments"
  tags = { "ecs-exec:exec-mode" = "windowed" }
}

resource "aws_ecs_cluster" "tools" {
  name = "tools"
  tags = { "ecs-exec:exec-mode" = "always" }
}

resource "aws_ecs_cluster" "plain" {
  name = "plain"
}

# The recommended pattern (false + ignore_changes) with static keys in the container.
resource "aws_ecs_task_definition" "fail_static_keys_ignore_changes" {
  family = "app"
  container_definitions = jsonencode([{
    name        = "app"
    image       = "app:1"
    environment = [{ name = "AWS_ACCESS_KEY_ID", value = "AKIAEXAMPLE" }]
  }])
}

resource "aws_ecs_service" "app" {
  name                   = "app"
  cluster                = aws_ecs_cluster.plain.id
  task_definition        = aws_ecs_task_definition.fail_static_keys_ignore_changes.arn
  enable_execute_command = false

  lifecycle {
    ignore_changes = [enable_execute_command]
  }
}

# In a windowed cluster: a read-only root filesystem breaks the agent when the window opens.
resource "aws_ecs_task_definition" "fail_read_only_windowed" {
  family = "ledger"
  container_definitions = jsonencode([{
    name                   = "ledger"
    image                  = "ledger:1"
    readonlyRootFilesystem = true
  }])
}

resource "aws_ecs_service" "ledger" {
  name            = "ledger"
  cluster         = aws_ecs_cluster.payments.arn
  task_definition = aws_ecs_task_definition.fail_read_only_windowed.arn
}

# In an "always" cluster named by its literal name: pid_mode = "task".
resource "aws_ecs_task_definition" "fail_pid_mode_always" {
  family   = "admin"
  pid_mode = "task"
  container_definitions = jsonencode([
    { name = "admin", image = "admin:1" },
    { name = "envoy", image = "envoy:1" },
  ])
}

resource "aws_ecs_service" "admin" {
  name            = "admin"
  cluster         = "tools"
  task_definition = aws_ecs_task_definition.fail_pid_mode_always.arn
}

variable "debug" {
  type = bool
}

# The flag from a variable: exec may be on.
resource "aws_ecs_task_definition" "fail_secret_key_variable_flag" {
  family = "worker"
  container_definitions = jsonencode([{
    name    = "worker"
    image   = "worker:1"
    secrets = [{ name = "AWS_SECRET_ACCESS_KEY", valueFrom = "arn:aws:ssm:eu-west-1:123456789012:parameter/k" }]
  }])
}

resource "aws_ecs_service" "worker" {
  name                   = "worker"
  cluster                = aws_ecs_cluster.plain.id
  task_definition        = aws_ecs_task_definition.fail_secret_key_variable_flag.arn
  enable_execute_command = var.debug
}

variable "pid_mode" {
  type = string
}

# The hazard itself only known at plan time: UNKNOWN.
resource "aws_ecs_task_definition" "unknown_pid_mode" {
  family                = "batch"
  pid_mode              = var.pid_mode
  container_definitions = jsonencode([{ name = "batch", image = "batch:1" }])
}

resource "aws_ecs_service" "batch" {
  name            = "batch"
  cluster         = aws_ecs_cluster.payments.id
  task_definition = aws_ecs_task_definition.unknown_pid_mode.arn
}
