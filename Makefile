# Two commands matter: `make shell` (try the bot in the terminal) and `make test` (what CI runs).
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed-stamp
ARGS ?=

.PHONY: shell test run webhook migrate lint format typecheck bench clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

shell: $(STAMP) ## chat with the bot in this terminal (no token, embedded SQLite)
	$(VENV)/bin/onestop shell $(ARGS)

run: $(STAMP) ## run on Telegram with long polling (needs TELEGRAM_BOT_TOKEN)
	$(VENV)/bin/onestop run

webhook: $(STAMP) ## run on Telegram in webhook mode (needs WEBHOOK_URL and WEBHOOK_SECRET too)
	$(VENV)/bin/onestop run --webhook

migrate: $(STAMP)
	$(VENV)/bin/onestop migrate

lint: $(STAMP)
	$(VENV)/bin/ruff check bot fakebotapi tests benchmarks
	$(VENV)/bin/ruff format --check bot fakebotapi tests benchmarks
	$(VENV)/bin/lint-imports --no-cache

format: $(STAMP)
	$(VENV)/bin/ruff format bot fakebotapi tests benchmarks
	$(VENV)/bin/ruff check --fix bot fakebotapi tests benchmarks

typecheck: $(STAMP)
	$(VENV)/bin/mypy

test: lint typecheck ## everything CI runs: lint, types, all test layers
	$(PY) -m pytest -q

bench: $(STAMP) ## print the benchmark figures
	$(PY) benchmarks/throughput.py
	$(PY) benchmarks/faq_accuracy.py
	$(PY) benchmarks/faq_latency.py
	$(PY) benchmarks/forms_and_reports.py
	$(PY) benchmarks/prereg_effort.py

clean:
	rm -rf $(VENV) var .mypy_cache .ruff_cache .pytest_cache shell-downloads
