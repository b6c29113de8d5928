"""The Terraform runner: command building and running (:mod:`tfrunner.runner`), the per-environment
working copy (:mod:`tfrunner.workspace`) and the render -> fmt -> checks -> init -> plan/apply pipeline
(:mod:`tfrunner.pipeline`) that both ``ecs-exec render`` and ``ecs-exec plan`` use."""
