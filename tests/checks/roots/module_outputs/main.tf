# Two calls of one module from one file: checkov wires every module.<call>.kms_key_arn to the first
# call's output, so only the policy's own text tells which key is meant.

module "cluster_alpha" {
  source = "./modules/cluster"
  name   = "alpha"
}

module "cluster_beta" {
  source = "./modules/cluster"
  name   = "beta"
}

# Exec into beta with beta's key (after another statement naming alpha's cluster output).
resource "aws_iam_policy" "pass_beta_own_key" {
  name = "beta-exec"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:DescribeClusters", Resource = module.cluster_alpha.cluster_arn },
      { Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = ["arn:aws:ecs:eu-west-1:111122223333:task/beta/*"] },
      { Effect = "Allow", Action = "kms:GenerateDataKey", Resource = [module.cluster_beta.kms_key_arn] },
    ]
  })
}

# Exec into both, the keys listed in the other order.
resource "aws_iam_policy" "pass_both_keys" {
  name = "both-exec"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = ["arn:aws:ecs:eu-west-1:111122223333:task/*"] },
      { Effect = "Allow", Action = "kms:GenerateDataKey", Resource = [module.cluster_beta.kms_key_arn, module.cluster_alpha.kms_key_arn] },
    ]
  })
}

# Exec into beta with alpha's key only: every session into beta fails at the handshake.
resource "aws_iam_policy" "fail_beta_alpha_key" {
  name = "beta-exec-wrong-key"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = ["arn:aws:ecs:eu-west-1:111122223333:task/beta/*"] },
      { Effect = "Allow", Action = "kms:GenerateDataKey", Resource = [module.cluster_alpha.kms_key_arn] },
    ]
  })
}

# Exec into alpha with beta's key only (checkov's wiring alone would have called this alpha's key).
resource "aws_iam_policy" "fail_alpha_beta_key" {
  name = "alpha-exec-wrong-key"
  policy = jsonencode({
    Version = "2012-10-17"
    Statement = [
      { Effect = "Allow", Action = "ecs:ExecuteCommand", Resource = ["arn:aws:ecs:eu-west-1:111122223333:task/alpha/*"] },
      { Effect = "Allow", Action = "kms:GenerateDataKey", Resource = [module.cluster_beta.kms_key_arn] },
    ]
  })
}
