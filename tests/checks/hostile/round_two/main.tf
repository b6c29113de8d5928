# Round-two checks (ECSX_018-023) on shapes that are valid but awkward.

data "aws_caller_identity" "current" {}

variable "debug" {
  type = bool
}

# Definition from a template file: only known at plan time.
resource "aws_sfn_state_machine" "templated" {
  name       = "templated"
  role_arn   = "arn:aws:iam::111122223333:role/sfn"
  definition = templatefile("${path.module}/definition.json", { debug = var.debug })
}

# The flag read from the execution input at run time.
resource "aws_sfn_state_machine" "from_input" {
  name     = "from-input"
  role_arn = "arn:aws:iam::111122223333:role/sfn"
  definition = jsonencode({
    StartAt = "Run"
    States = {
      Run = {
        Type       = "Task"
        Resource   = "arn:aws:states:::ecs:runTask"
        End        = true
        Parameters = { Cluster = "jobs", TaskDefinition = "t", "EnableExecuteCommand.$" = "$.debug" }
      }
    }
  })
}

# A Batch job definition without ECS properties: nothing to judge.
resource "aws_batch_job_definition" "container_only" {
  name = "container-only"
  type = "container"
  container_properties = jsonencode({
    image   = "busybox"
    command = ["true"]
    resourceRequirements = [
      { type = "VCPU", value = "1" },
      { type = "MEMORY", value = "512" },
    ]
  })
}

# A set operator is still a String operator; ecs:* covers the six actions.
resource "aws_iam_policy" "guard_for_any_value" {
  name = "guard-set-operator"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      Action    = "ecs:*"
      Resource  = "*"
      Condition = { "ForAnyValue:StringEquals" = { "ecs:enable-execute-command" = ["true"] } }
    }]
  })
}

# A NotAction guard that leaves out StartTask.
resource "aws_iam_policy" "guard_not_action" {
  name = "guard-not-action"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Deny"
      NotAction = ["ecs:StartTask", "ecs:Describe*", "ecs:List*"]
      Resource  = "*"
      Condition = { StringEquals = { "ecs:enable-execute-command" = "true" } }
    }]
  })
}

resource "aws_iam_policy" "cluster_name_if_exists" {
  name = "cluster-name-if-exists"
  policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Action = "ecs:ListTasks", Resource = "*", Condition = { StringEqualsIfExists = { "ecs:cluster" = "payments" } } }]
  })
}

# The bare account id from a data source is this account's root.
resource "aws_iam_role" "account_id_from_data" {
  name = "exec-account"
  assume_role_policy = jsonencode({
    Version   = "2012-10-17"
    Statement = [{ Effect = "Allow", Principal = { AWS = data.aws_caller_identity.current.account_id }, Action = "sts:AssumeRole" }]
  })
  inline_policy {
    name = "exec"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }]
    })
  }
}

# IfExists on sts:SourceIdentity lets a caller without one through: not bound.
resource "aws_iam_role" "source_identity_if_exists" {
  name = "exec-if-exists"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = ["sts:AssumeRole", "sts:SetSourceIdentity"]
      Condition = { StringEqualsIfExists = { "sts:SourceIdentity" = "$${aws:username}" } }
    }]
  })
  inline_policy {
    name = "exec"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }]
    })
  }
}

# aws:PrincipalArn is always in the request: IfExists still binds.
resource "aws_iam_role" "principal_arn_if_exists" {
  name = "exec-principal-if-exists"
  assume_role_policy = jsonencode({
    Version = "2012-10-17"
    Statement = [{
      Effect    = "Allow"
      Principal = { AWS = "arn:aws:iam::111122223333:root" }
      Action    = "sts:AssumeRole"
      Condition = { ArnLikeIfExists = { "aws:PrincipalArn" = "arn:aws:iam::111122223333:role/oncall-*" } }
    }]
  })
  inline_policy {
    name = "exec"
    policy = jsonencode({
      Version   = "2012-10-17"
      Statement = [{ Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = "*" }]
    })
  }
}
