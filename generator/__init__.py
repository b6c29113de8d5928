"""generator: the desired-state model, its loader, and rendering into Terraform."""
