# Launchers that start tasks with ECS Exec hard-coded on, outside any window.

resource "aws_ecs_cluster" "jobs" {
  name = "jobs"
}

# terraform-provider-aws #19949: an EventBridge rule target running a task with exec on.
resource "aws_cloudwatch_event_target" "fail_nightly_report" {
  rule     = "nightly-report"
  arn      = aws_ecs_cluster.jobs.arn
  role_arn = "arn:aws:iam::111122223333:role/events-run-task"

  ecs_target {
    task_definition_arn    = "arn:aws:ecs:eu-west-1:111122223333:task-definition/report:3"
    launch_type            = "FARGATE"
    enable_execute_command = true
  }
}

resource "aws_scheduler_schedule" "fail_hourly_sync" {
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
      launch_type            = "FARGATE"
      enable_execute_command = true
    }
  }
}

# aws-cdk #29637 / PR #35341: an EcsRunTask state with enableExecuteCommand.
resource "aws_sfn_state_machine" "fail_pipeline_jsonencode" {
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
          LaunchType           = "FARGATE"
          EnableExecuteCommand = true
        }
      }
    }
  })
}

resource "aws_sfn_state_machine" "fail_pipeline_heredoc" {
  name     = "pipeline-heredoc"
  role_arn = "arn:aws:iam::111122223333:role/sfn"

  definition = <<EOT
{
  "StartAt": "Backfill",
  "States": {
    "Backfill": {
      "Type": "Task",
      "Resource": "arn:aws:states:::ecs:runTask",
      "End": true,
      "Parameters": {
        "Cluster": "${aws_ecs_cluster.jobs.arn}",
        "TaskDefinition": "backfill",
        "EnableExecuteCommand": true
      }
    }
  }
}
EOT
}

resource "aws_batch_job_definition" "fail_batch_ecs_properties" {
  name                  = "etl"
  type                  = "container"
  platform_capabilities = ["FARGATE"]

  ecs_properties = jsonencode({
    taskProperties = [{
      enableExecuteCommand = true
      containers = [{
        name    = "etl"
        image   = "public.ecr.aws/docker/library/python:3.12"
        command = ["python", "etl.py"]
      }]
    }]
  })
}

variable "debug" {
  type = bool
}

# Only known at plan time: UNKNOWN, not FAILED.
resource "aws_cloudwatch_event_target" "unknown_from_variable" {
  rule     = "nightly-debug"
  arn      = aws_ecs_cluster.jobs.arn
  role_arn = "arn:aws:iam::111122223333:role/events-run-task"

  ecs_target {
    task_definition_arn    = "arn:aws:ecs:eu-west-1:111122223333:task-definition/report:3"
    enable_execute_command = var.debug
  }
}

# EventBridge Pipes: a queue message starts a task with exec on.
resource "aws_pipes_pipe" "fail_pipe_from_queue" {
  name     = "orders-to-task"
  role_arn = "arn:aws:iam::111122223333:role/pipes"
  source   = "arn:aws:sqs:eu-west-1:111122223333:orders"
  target   = aws_ecs_cluster.jobs.arn

  target_parameters {
    ecs_task_parameters {
      task_definition_arn    = "arn:aws:ecs:eu-west-1:111122223333:task-definition/orders:1"
      launch_type            = "FARGATE"
      enable_execute_command = true
    }
  }
}

# A universal target calls ECS RunTask itself: the input is the request, exec on.
resource "aws_scheduler_schedule" "fail_universal_run_task" {
  name                = "nightly-debug-sdk"
  schedule_expression = "cron(0 2 * * ? *)"

  flexible_time_window {
    mode = "OFF"
  }

  target {
    arn      = "arn:aws:scheduler:::aws-sdk:ecs:runTask"
    role_arn = "arn:aws:iam::111122223333:role/scheduler-run-task"
    input = jsonencode({
      Cluster              = "jobs"
      TaskDefinition       = "debug:3"
      EnableExecuteCommand = true
    })
  }
}

# A Task state inside a Map iterator, through the SDK integration.
resource "aws_sfn_state_machine" "fail_map_sdk_run_task" {
  name     = "fan-out"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = jsonencode({
    StartAt = "Each"
    States = {
      Each = {
        Type = "Map"
        End  = true
        ItemProcessor = {
          StartAt = "Run"
          States = {
            Run = {
              Type       = "Task"
              Resource   = "arn:aws:states:::aws-sdk:ecs:runTask"
              End        = true
              Parameters = { Cluster = "jobs", TaskDefinition = "worker", EnableExecuteCommand = true }
            }
          }
        }
      }
    }
  })
}
