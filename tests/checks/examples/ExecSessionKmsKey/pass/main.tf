resource "aws_kms_key" "exec" {
  enable_key_rotation = true
}

resource "aws_ecs_cluster" "reference" {
  name = "a"
  configuration {
    execute_command_configuration {
      kms_key_id = aws_kms_key.exec.arn
      logging    = "DEFAULT"
    }
  }
}

resource "aws_ecs_cluster" "literal_arn" {
  name = "b"
  configuration {
    execute_command_configuration {
      kms_key_id = "arn:aws:kms:eu-west-1:123456789012:key/11111111-2222-3333-4444-555555555555"
      logging    = "DEFAULT"
    }
  }
}
