# Set-up and everyday commands. Each target installs what it needs first.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8000

# Development defaults; the environment overrides them.
export DEBUG ?= true
export PORT

.PHONY: install run test lint format schema

$(VENV)/.installed: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

install: $(VENV)/.installed

run: install
	$(BIN)/python manage.py migrate --noinput
	$(BIN)/python manage.py seed_prototypes
	@echo "Houston is starting. GraphiQL: http://127.0.0.1:$(PORT)/graphql"
	$(BIN)/python manage.py runserver 127.0.0.1:$(PORT)

test: install
	$(BIN)/python -m pytest $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# Rewrite schema.graphql from the code; a test fails while it is stale.
schema: install
	DJANGO_SETTINGS_MODULE=houston.settings $(BIN)/python -c "import django; django.setup(); \
	from graphql import print_schema; from houston.schema import schema; \
	print(print_schema(schema.graphql_schema))" > schema.graphql
