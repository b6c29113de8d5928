# Launchers that leave exec to windows: flag absent, false, or not an ECS launcher at all.

resource "aws_ecs_cluster" "jobs" {
  name = "jobs"
}

resource "aws_cloudwatch_event_target" "report_without_exec" {
  rule     = "nightly-report"
  arn      = aws_ecs_cluster.jobs.arn
  role_arn = "arn:aws:iam::111122223333:role/events-run-task"

  ecs_target {
    task_definition_arn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/report:3"
    launch_type         = "FARGATE"
  }
}

resource "aws_cloudwatch_event_target" "to_a_queue" {
  rule = "orders"
  arn  = "arn:aws:sqs:eu-west-1:111122223333:orders"
}

resource "aws_scheduler_schedule" "sync_exec_off" {
  name                = "hourly-sync"
  schedule_expression = "rate(1 hour)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = aws_ecs_cluster.jobs.arn
    role_arn = "arn:aws:iam::111122223333:role/scheduler-run-task"

    ecs_parameters {
      task_definition_arn    = "arn:aws:ecs:eu-west-1:111122223333:task-definition/sync:1"
      enable_execute_command = false
    }
  }
}

resource "aws_sfn_state_machine" "pipeline" {
  name     = "pipeline"
  role_arn = "arn:aws:iam::111122223333:role/sfn"

  definition = jsonencode({
    StartAt = "Migrate"
    States = {
      Migrate = {
        Type     = "Task"
        Resource = "arn:aws:states:::ecs:runTask.sync"
        End      = true
        Parameters = {
          Cluster              = aws_ecs_cluster.jobs.arn
          TaskDefinition       = "migrate"
          EnableExecuteCommand = false
        }
      }
    }
  })
}

resource "aws_batch_job_definition" "etl" {
  name                  = "etl"
  type                  = "container"
  platform_capabilities = ["FARGATE"]

  ecs_properties = jsonencode({
    taskProperties = [{
      containers = [{
        name  = "etl"
        image = "public.ecr.aws/docker/library/python:3.12"
      }]
    }]
  })
}

resource "aws_pipes_pipe" "orders_to_task" {
  name     = "orders-to-task"
  role_arn = "arn:aws:iam::111122223333:role/pipes"
  source   = "arn:aws:sqs:eu-west-1:111122223333:orders"
  target   = aws_ecs_cluster.jobs.arn

  target_parameters {
    ecs_task_parameters {
      task_definition_arn = "arn:aws:ecs:eu-west-1:111122223333:task-definition/orders:1"
    }
  }
}

# A Pass state carrying the flag as data launches nothing; a universal target that is not ECS.
resource "aws_sfn_state_machine" "pass_state_data" {
  name     = "prepare"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = jsonencode({
    StartAt = "Defaults"
    States = {
      Defaults = { Type = "Pass", Result = { EnableExecuteCommand = true }, ResultPath = "$.ecs", Next = "Notify" }
      Notify = {
        Type       = "Task"
        Resource   = "arn:aws:states:::sns:publish"
        End        = true
        Parameters = { TopicArn = "arn:aws:sns:eu-west-1:111122223333:jobs", Message = { EnableExecuteCommand = true } }
      }
    }
  })
}

resource "aws_scheduler_schedule" "universal_not_ecs" {
  name                = "nightly-report"
  schedule_expression = "cron(0 3 * * ? *)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = "arn:aws:scheduler:::aws-sdk:sqs:sendMessage"
    role_arn = "arn:aws:iam::111122223333:role/scheduler-sqs"
    input    = jsonencode({ QueueUrl = "https://sqs.eu-west-1.amazonaws.com/111122223333/jobs", MessageBody = "{\"EnableExecuteCommand\":true}" })
  }
}
