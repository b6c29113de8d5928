# ecs-exec-operator — every target runs inside .venv/ (created by `make setup`).
SHELL := /bin/bash
ENV ?= local
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# terraform init -plugin-dir: a local mirror of the AWS provider (the folder holding
# registry.terraform.io/) found on this machine, empty where there is none so real users fetch
# from the registry as usual. `make plan TF_PLUGIN_DIR=` forces the registry, `TF_PLUGIN_DIR=/path`
# another mirror. Same places as tfrunner.runner.KNOWN_PLUGIN_MIRRORS, which the CLI searches
# itself when it runs outside make with the variable unset.
TF_PLUGIN_DIR ?= $(patsubst %/registry.terraform.io/hashicorp/aws,%,$(firstword $(wildcard \
	$(addsuffix /registry.terraform.io/hashicorp/aws,/opt/tf-plugins /usr/share/terraform/plugins \
	/usr/local/share/terraform/plugins))))
export TF_PLUGIN_DIR
PYTEST_ARGS ?=
# Options of bench/drift_bench.py (`make bench BENCH_ARGS=--help` lists them with their defaults).
BENCH_ARGS ?=

.PHONY: help setup render plan apply seed drift check lint test test-packaging demo bench bench-audit clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-8s %s\n", $$1, $$2}'

$(BIN)/ecs-exec: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev,check]'
	@touch $@

setup: $(BIN)/ecs-exec ## create .venv/ with the project (editable), the [check] extra (checkov) and the dev tools

render: setup ## render config/$(ENV).yaml into terraform/envs/$(ENV) (ENV=, default local)
	$(BIN)/ecs-exec render --env $(ENV)

plan: setup ## render, fmt -check, checkov, terraform init + plan (ENV=)
	$(BIN)/ecs-exec plan --env $(ENV)

apply: setup ## apply the saved plan when fresh, else plan first (ENV=)
	$(BIN)/ecs-exec apply --env $(ENV)

seed: setup ## services with running tasks on the moto server at AWS_ENDPOINT_URL, after apply (ENV=)
	$(BIN)/python -m devtools.seed --env $(ENV)

drift: setup ## drift check against the live account (ENV=)
	$(BIN)/ecs-exec drift check --env $(ENV)

lint: setup ## ruff + mypy
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

check: lint ## lint, import contract, terraform fmt -check, freshness of terraform/, checkov + our checks
	$(BIN)/lint-imports
	terraform fmt -check -recursive terraform/
	$(BIN)/ecs-exec render --all --check
	$(BIN)/ecs-exec check terraform/

test: setup ## run the whole test suite
	$(BIN)/pytest $(PYTEST_ARGS)

test-packaging: setup ## tests/packaging with the opt-in parts that install checkov anew ([check] extra, pre-commit hook; ~10 min)
	ECS_EXEC_TEST_CHECK_EXTRA=1 $(BIN)/pytest tests/packaging $(PYTEST_ARGS)

demo: setup ## the whole flow on an embedded moto server, no AWS account needed
	$(BIN)/python -m devtools.demo

bench: setup ## drift check speed / memory / API calls on a seeded moto server (BENCH_ARGS=, see --help)
	$(BIN)/python bench/drift_bench.py $(BENCH_ARGS)

bench-audit: setup ## audit --events-file on a synthetic org trail + moto server: read time vs json.load, RSS, calls vs minimum (BENCH_ARGS=)
	$(BIN)/python bench/audit_bench.py $(BENCH_ARGS)

clean: ## remove build/ (plans, local state)
	rm -rf build/
