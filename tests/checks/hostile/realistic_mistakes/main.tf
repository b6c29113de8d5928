# The mistakes people make with ECS Exec (cluster, containers, services, task-role policy): each
# must fail with its own ECSX id.

resource "aws_kms_key" "exec" {
  description         = "exec"
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "exec" {
  name              = "/ecs-exec/prod/main"
  kms_key_id        = aws_kms_key.exec.arn
  retention_in_days = 365
}

resource "aws_cloudwatch_log_group" "app" {
  name = "/app/prod"
}

resource "aws_s3_bucket" "exec" {
  bucket = "exec-transcripts-main"
}

resource "aws_s3_bucket_server_side_encryption_configuration" "exec" {
  bucket = aws_s3_bucket.exec.id
  rule {
    apply_server_side_encryption_by_default {
      sse_algorithm = "AES256"
    }
  }
}

resource "aws_ecs_cluster" "main" {
  name = "main"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "OVERRIDE"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
        s3_bucket_name                 = aws_s3_bucket.exec.bucket
        s3_bucket_encryption_enabled   = true
        s3_key_prefix                  = "exec/"
      }
    }
  }
}

# 1: DEFAULT with log_configuration
resource "aws_ecs_cluster" "m_default" {
  name = "m-default"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "DEFAULT"
      log_configuration {
        cloud_watch_encryption_enabled = true
        cloud_watch_log_group_name     = "/ecs-exec/prod/other"
      }
    }
  }
}

# 1b: logging omitted
resource "aws_ecs_cluster" "m_omitted" {
  name = "m-omitted"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
    }
  }
}

# 9: setting executeCommand
resource "aws_ecs_cluster" "m_setting" {
  name = "m-setting"
  setting {
    name  = "executeCommand"
    value = "enabled"
  }
}

resource "aws_iam_role" "task" {
  name = "app-task"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "sts:AssumeRole", Principal = { Service = "ecs-tasks.amazonaws.com" } }]
  })
}

# 4 (jsonencode) + 6 (keys in env, readonly root) 
resource "aws_ecs_task_definition" "app_json" {
  family        = "app-json"
  task_role_arn = aws_iam_role.task.arn
  container_definitions = jsonencode([
    {
      name                   = "app"
      image                  = "nginx"
      readonlyRootFilesystem = true
      environment            = [{ name = "AWS_ACCESS_KEY_ID", value = "AKIA..." }]
      logConfiguration = {
        logDriver = "awslogs"
        options   = { "awslogs-group" = "/ecs-exec/prod/main", "awslogs-region" = "eu-west-1" }
      }
    }
  ])
}

# 4 (heredoc string) + secrets
resource "aws_ecs_task_definition" "app_heredoc" {
  family                = "app-heredoc"
  task_role_arn         = aws_iam_role.task.arn
  container_definitions = <<JSON
[
  {
    "name": "app",
    "image": "nginx",
    "secrets": [{"name": "AWS_SECRET_ACCESS_KEY", "valueFrom": "arn:aws:ssm:eu-west-1:123456789012:parameter/x"}],
    "logConfiguration": {
      "logDriver": "awslogs",
      "options": {"awslogs-group": "/ecs-exec/prod/main"}
    }
  }
]
JSON
}

# 4 via reference to the exec group
resource "aws_ecs_task_definition" "app_ref" {
  family        = "app-ref"
  task_role_arn = aws_iam_role.task.arn
  container_definitions = jsonencode([
    {
      name  = "app"
      image = "nginx"
      logConfiguration = {
        logDriver = "awslogs"
        options   = { "awslogs-group" = aws_cloudwatch_log_group.exec.name }
      }
    }
  ])
}

resource "aws_ecs_service" "svc_json" {
  name                   = "svc-json"
  cluster                = aws_ecs_cluster.main.id
  task_definition        = aws_ecs_task_definition.app_json.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "svc_heredoc" {
  name                   = "svc-heredoc"
  cluster                = aws_ecs_cluster.main.id
  task_definition        = aws_ecs_task_definition.app_heredoc.arn
  enable_execute_command = true
}

resource "aws_ecs_service" "svc_cd" {
  name                 = "svc-cd"
  cluster              = aws_ecs_cluster.main.id
  task_definition      = aws_ecs_task_definition.app_ref.arn
  force_new_deployment = true
  deployment_controller {
    type = "CODE_DEPLOY"
  }
}

# 5: PutLogEvents on *, no DescribeLogGroups, S3 PutObject no GetEncryptionConfiguration
resource "aws_iam_role_policy" "task_star" {
  name = "task-star"
  role = aws_iam_role.task.id
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = ["ssmmessages:CreateControlChannel", "ssmmessages:CreateDataChannel", "ssmmessages:OpenControlChannel", "ssmmessages:OpenDataChannel"], Resource = "*" },
      { Effect = "Allow", Action = ["logs:CreateLogStream", "logs:PutLogEvents"], Resource = "*" },
      { Effect = "Allow", Action = "s3:PutObject", Resource = "${aws_s3_bucket.exec.arn}/exec/*" },
      { Effect = "Allow", Action = "kms:Decrypt", Resource = aws_kms_key.exec.arn },
    ]
  })
}
