# module.cluster again: its policy allows writing to stg's group, not to its own /exec/dev/payments.

module "cluster" {
  source = "../../modules/cluster-foreign"

  name           = "payments"
  log_group_name = "/exec/dev/payments"
}
