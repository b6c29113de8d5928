# A service in a cluster of the generated module: the config's mode reaches the check through the
# module's cluster_arn output and the cluster's ecs-exec:exec-mode tag.
module "cluster_orders" {
  source = "../../../../../terraform/modules/ecs-exec-cluster"

  name                  = "orders"
  container_insights    = "enabled"
  exec_mode             = "windowed"
  exec_log_group        = { name = "/ecs-exec/example/orders" }
  kms                   = { alias_name = "alias/ecs-exec/example/orders" }
  task_exec_policy_name = "ecs-exec-task-example-orders"
}

resource "aws_ecs_task_definition" "fail_pid_mode_generated_cluster" {
  family   = "orders"
  pid_mode = "task"
  container_definitions = jsonencode([
    { name = "orders", image = "orders:1" },
    { name = "envoy", image = "envoy:1" },
  ])
}

resource "aws_ecs_service" "orders" {
  name            = "orders"
  cluster         = module.cluster_orders.cluster_arn
  task_definition = aws_ecs_task_definition.fail_pid_mode_generated_cluster.arn
}
