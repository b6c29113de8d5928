# dynamic blocks: values checkov could not render (an iterator over a variable without a default)
# are UNKNOWN, never read as the literal text "setting.value"; literal content is still judged.

variable "exec_settings" {
  type = list(object({ kms = string, name = string }))
}

resource "aws_kms_key" "exec" {
  enable_key_rotation = true
}

resource "aws_cloudwatch_log_group" "exec" {
  name       = "/ecs-exec/hostile/dyn"
  kms_key_id = aws_kms_key.exec.arn
}

# Iterator over an unknown variable: the key and the setting name are unknown.
resource "aws_ecs_cluster" "unknown_iterator" {
  name = "unknown-iterator"
  dynamic "configuration" {
    for_each = var.exec_settings
    content {
      execute_command_configuration {
        kms_key_id = configuration.value.kms
        logging    = "OVERRIDE"
        log_configuration {
          cloud_watch_encryption_enabled = true
          cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
        }
      }
    }
  }
  dynamic "setting" {
    for_each = var.exec_settings
    content {
      name  = setting.value.name
      value = "enabled"
    }
  }
}

# A custom iterator name over a known map that checkov leaves unrendered: unknown, not a failure.
resource "aws_ecs_cluster" "custom_iterator" {
  name = "custom-iterator"
  dynamic "setting" {
    for_each = { containerInsights = "enabled" }
    iterator = s
    content {
      name  = s.key
      value = s.value
    }
  }
}

# Literal content inside a dynamic block is judged like a static block.
resource "aws_ecs_cluster" "literal_dynamic_bad" {
  name = "literal-dynamic-bad"
  dynamic "configuration" {
    for_each = var.exec_settings
    content {
      execute_command_configuration {
        kms_key_id = aws_kms_key.exec.arn
        logging    = "DEFAULT"
        log_configuration {
          cloud_watch_encryption_enabled = true
          cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
        }
      }
    }
  }
  dynamic "setting" {
    for_each = var.exec_settings
    content {
      name  = "executeCommand"
      value = "enabled"
    }
  }
}

# A dynamic configuration is a configuration: transcripts named there must be encrypted.
resource "aws_ecs_cluster" "literal_dynamic_unencrypted" {
  name = "literal-dynamic-unencrypted"
  dynamic "configuration" {
    for_each = var.exec_settings
    content {
      execute_command_configuration {
        kms_key_id = aws_kms_key.exec.arn
        logging    = "OVERRIDE"
        log_configuration {
          cloud_watch_encryption_enabled = false
          cloud_watch_log_group_name     = aws_cloudwatch_log_group.exec.name
        }
      }
    }
  }
}
