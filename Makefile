# Two commands for a new user: `make serve` and `make test`. Each installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: install serve test test-postgres contract-check schema migrations clean lint

$(STAMP): pyproject.toml clients/js/package.json
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e ".[dev]"
	@# The reference JavaScript client for the subscription tests, where node is installed.
	if command -v npm >/dev/null 2>&1; then cd clients/js && npm install --no-audit --no-fund --silent; fi
	touch $(STAMP)

install: $(STAMP)

## Serve the API on the embedded default (SQLite under var/, in-memory broadcast).
serve: $(STAMP)
	$(BIN)/onewindow serve

## Run the whole test suite (PostgreSQL + Redis when ONEWINDOW_TEST_DATABASE_URL / _BROADCAST_URL are set).
test: $(STAMP)
	$(BIN)/python -m pytest -q

## The same suite on the local PostgreSQL and Redis.
test-postgres: $(STAMP)
	ONEWINDOW_TEST_DATABASE_URL=postgres://postgres@127.0.0.1:5432/test \
	ONEWINDOW_TEST_BROADCAST_URL=redis://127.0.0.1:6379/0 \
	$(BIN)/python -m pytest -q

## Lint, format check and type check (ruff, mypy strict on domain/).
lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

## Check schema.graphql against the public contract, allowing only the pending members.
contract-check: $(STAMP)
	$(BIN)/python ../shared/tools/contract-check --sdl schema.graphql --pending contract-pending.txt

## Re-export schema.graphql after changing the GraphQL types.
schema: $(STAMP)
	$(BIN)/python -c "from resolvers.schema import export_sdl; open('schema.graphql', 'w').write(export_sdl())"

## Write a migration after changing the models.
migrations: $(STAMP)
	$(BIN)/tortoise makemigrations

clean:
	rm -rf $(VENV) var .pytest_cache clients/js/node_modules
