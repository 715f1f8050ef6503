# quotestance — run `make help` for the list of targets.
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
ARTICLES := $(wildcard data/raw/articles/*.txt)
export HF_HUB_OFFLINE := 1
export HF_DATASETS_OFFLINE := 1
export TRANSFORMERS_NO_ADVISORY_WARNINGS := 1

.DEFAULT_GOAL := help
.PHONY: help setup run train extract data test test-all lint format ui bench clean

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-10s %s\n", $$1, $$2}'

$(STAMP): pyproject.toml
	@echo "==> [1/4] virtual environment in $(VENV)"
	@$(PYTHON) -m venv $(VENV)
	@$(BIN)/pip install --quiet --upgrade pip
	@# the CPU wheel first, pinned, so that nothing pulls a multi-GB CUDA build
	@echo "==> [2/4] PyTorch 2.13.0, CPU build (about a minute)"
	@$(BIN)/pip install --quiet torch==2.13.0
	@echo "==> [3/4] quotestance and its dependencies (a few minutes)"
	@$(BIN)/pip install --quiet -e ".[dev]"
	@# notebooks are committed without outputs
	@echo "==> [4/4] git filter that strips notebook outputs"
	@if [ -d .git ]; then $(BIN)/nbstripout --install; fi
	@touch $(STAMP)
	@echo "==> ready: source $(BIN)/activate"

setup: $(STAMP) ## create .venv and install the project with its dev tools (CPU torch)

run: data train ## build the quote dataset, then train the default baseline (the quickstart)

train: $(STAMP) ## python train.py: the TF-IDF baseline on the quote dataset, logged to MLflow
	$(BIN)/python train.py

ui: $(STAMP) ## open the MLflow UI on http://127.0.0.1:5000
	$(BIN)/mlflow ui --backend-store-uri sqlite:///mlruns/mlflow.db --host 127.0.0.1 --port 5000

extract: $(STAMP) ## extract the quotes of the sample articles into data/interim/quotes.jsonl
	$(BIN)/quotestance extract $(ARTICLES) --out data/interim/quotes.jsonl --force
	@echo "quotes: data/interim/quotes.jsonl"

data: $(STAMP) ## build the labelled quote dataset with DVC (data/processed/quotes.jsonl)
	@# the project has no DVC remote: drop DVC's closing advice to push to one
	@set -o pipefail; PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro build_dataset | sed -u '/dvc push/d'

norwegian: $(STAMP) ## train the Norwegian spaCy pipeline with DVC (models/norwegian; 12-17 min)
	@set -o pipefail; PATH="$(CURDIR)/$(BIN):$$PATH" $(BIN)/dvc repro norwegian_pipeline | sed -u '/dvc push/d'

lint: $(STAMP) ## ruff (lint + format check) and mypy
	$(BIN)/ruff check src tests benchmarks train.py
	$(BIN)/ruff format --check src tests benchmarks train.py
	$(BIN)/mypy

format: $(STAMP) ## apply ruff's fixes and formatting
	$(BIN)/ruff check --fix src tests benchmarks train.py
	$(BIN)/ruff format src tests benchmarks train.py

test: lint ## lint, then the fast offline tests (a few minutes; -m "not slow")
	$(BIN)/pytest -q -m "not slow"

test-all: lint ## lint, then every test: servers, browser, notebooks, ONNX, launchers (what CI runs)
	$(BIN)/pytest -q

BENCH_MODELS ?= majority tfidf bert
BENCH_EXPORT ?=
bench: $(STAMP) ## benchmarks on ../shared/data (DATA_DIR, BENCH_MODELS, BENCH_EXPORT=models/x), tables in reports/
	$(BIN)/python benchmarks/extraction.py --data-dir $${DATA_DIR:-../shared/data}
	$(BIN)/python benchmarks/classifiers.py --data-dir $${DATA_DIR:-../shared/data} --models $(BENCH_MODELS)
	if [ -n "$(BENCH_EXPORT)" ]; then $(BIN)/python benchmarks/inference.py --model $(BENCH_EXPORT); fi

clean: ## remove caches (never data, runs or models)
	rm -rf .pytest_cache .mypy_cache .ruff_cache
