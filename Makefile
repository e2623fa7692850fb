# Two commands for a new user: `make serve` and `make test`. Each installs what it needs first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
# Every Python package, the dev extras and the build backend, pinned with hashes (`make lock`).
LOCK := requirements.lock
# What the tests and deploy/ need from Debian (`make install-system`, run by .ci/run).
DEBIAN_PACKAGES := chromium nginx poppler-utils zbar-tools fonts-wqy-zenhei fonts-noto-cjk

.PHONY: install install-system lock serve test test-postgres contract-check schema migrations clean lint

# npm packages installed from their committed package-lock.json: GraphiQL's assets (served by
# OneWindow itself), the GraphQL-over-HTTP audit, the typed TypeScript client and the console.
NPM_LOCKED := api/graphiql_assets clients/graphql-http clients/ts console

$(STAMP): pyproject.toml $(LOCK) clients/js/package.json clients/js/package-lock.json $(addsuffix /package-lock.json,$(NPM_LOCKED))
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -qq --upgrade pip
	$(BIN)/pip install -qq --require-hashes --no-deps -r $(LOCK)
	@# The project itself, built by the locked setuptools (no unpinned build environment); -qq
	@# keeps setuptools' notice that every editable install gets off a first `make serve`.
	$(BIN)/pip install -qq --no-deps --no-build-isolation -e .
	@$(BIN)/pip check >/dev/null || { $(BIN)/pip check; echo "$(LOCK) misses a dependency of pyproject.toml: run make lock" >&2; exit 1; }
	@# The reference JavaScript client for the subscription tests, where node is installed.
	if command -v npm >/dev/null 2>&1; then cd clients/js && npm ci --no-audit --no-fund --silent; fi
	for dir in $(NPM_LOCKED); do (cd $$dir && npm ci --no-audit --no-fund --silent) || exit 1; done
	@# The console (/console), built into console/dist.
	cd console && npm run build --silent
	touch $(STAMP)

install: $(STAMP)

## Install the Debian packages in DEBIAN_PACKAGES that are missing (as root, or with sudo).
install-system:
	@missing=$$(for p in $(DEBIAN_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "Debian packages: all present"; exit 0; fi; \
	sudo=$$([ "$$(id -u)" -eq 0 ] || echo sudo); \
	echo "installing:" $$missing; \
	$$sudo apt-get update -q && DEBIAN_FRONTEND=noninteractive $$sudo apt-get install -y -q --no-install-recommends $$missing

## Re-pin every Python dependency (after changing pyproject.toml's lists), hashes included.
lock:
	test -x $(BIN)/pip || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet pip-tools
	$(BIN)/pip-compile --quiet --generate-hashes --allow-unsafe --all-build-deps --extra dev --strip-extras \
	  --no-emit-find-links --no-emit-index-url --no-emit-trusted-host -o $(LOCK) pyproject.toml

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
	rm -rf $(VENV) var .pytest_cache clients/js/node_modules $(addsuffix /node_modules,$(NPM_LOCKED)) clients/ts/src/gql console/dist
