# Shenyang IP Market: set-up, run, test. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
# Two sets: requirements.txt is what the app needs to run; requirements-dev.txt adds the test,
# lint and audit tools. Each set has its own stamp, named after its files' checksum.
STAMP     := $(VENV)/.installed-runtime-$(shell cat requirements.txt | sha1sum | cut -c1-12)
DEV_STAMP := $(VENV)/.installed-dev-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)
PO     := market/translations/zh/LC_MESSAGES/messages.po
MO     := $(PO:.po=.mo)
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: venv venv-dev db run test test-pg i18n lint check-imports clean serve audit

venv: $(STAMP) $(MO)  ## create .venv with the pinned runtime requirements (quick when nothing changed)

venv-dev: $(DEV_STAMP) $(MO)  ## the runtime set plus the test, lint and audit tools

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-runtime-* && touch $@

# requirements-dev.txt starts with `-r requirements.txt`: installing it refreshes both stamps.
$(DEV_STAMP): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	rm -f $(VENV)/.installed-runtime-* $(VENV)/.installed-dev-* && touch $(STAMP) $@

$(MO): $(PO) $(STAMP)
	$(BIN)/pybabel compile --use-fuzzy -d market/translations -l zh 2>&1 | grep -v "^compiling" || true
	touch $@

db: venv  ## apply migrations and load the demo data into an empty database
	$(FLASK) db upgrade
	$(FLASK) demo load --if-empty
	$(FLASK) search sync

run: db  ## serve on http://127.0.0.1:$(PORT) (embedded defaults: SQLite, local index, no keys)
	$(FLASK) run --host 127.0.0.1 --port $(PORT)

# The whole suite on SQLite; when TEST_POSTGRES_URL is set (CI sets it), the database
# tests run a second time on PostgreSQL.
test: venv-dev  ## run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "== PostgreSQL pass: database tests again on $$TEST_POSTGRES_URL =="; \
	  TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest -m db $(PYTEST_ARGS); \
	fi

i18n: venv-dev  ## extract strings, update the Chinese catalogue (the only place Chinese is written), compile, check
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs=".venv tests bench migrations instance" -o /tmp/market-messages.pot .
	$(BIN)/pybabel update -i /tmp/market-messages.pot -d market/translations -l zh --width 100
	$(BIN)/pybabel compile -d market/translations -l zh
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_translations.py

lint: venv-dev check-imports  ## ruff, and the module dependency check
	$(BIN)/ruff check market tests bench scripts

# No import cycle in market/; domain, models and services import no blueprint package.
# Standard library only: it needs no virtual environment.
check-imports:  ## the module dependency check (exit 1 on a failure)
	$(PYTHON) scripts/check_imports.py

clean:
	rm -rf $(VENV) instance .pytest_cache

# Production server: gunicorn, configured from the environment by gunicorn.conf.py (BIND or
# PORT, WEB_CONCURRENCY, GUNICORN_THREADS, GUNICORN_TIMEOUT). MARKET_ENV defaults to
# production here: ProdConfig refuses to start without SECRET_KEY. Run `flask db upgrade` first.
serve: venv  ## serve with gunicorn on 127.0.0.1:$${PORT:-8000} (production settings)
	@if [ "$${MARKET_ENV:-production}" = production ] && [ -z "$${SECRET_KEY:-}" ]; then \
	  echo "make serve: SECRET_KEY is not set; MARKET_ENV=production (ProdConfig) refuses to start without it." >&2; \
	  echo "  e.g. export SECRET_KEY=\$$($(BIN)/python -c 'import secrets; print(secrets.token_hex(32))')" >&2; \
	  echo "  (MARKET_ENV=development make serve uses the development settings instead)" >&2; \
	  exit 1; \
	fi
	@if [ "$${MARKET_ENV:-production}" = production ] && [ -z "$${PUBLIC_URL:-}" ]; then \
	  echo "make serve: PUBLIC_URL is not set (e.g. https://ipmarket.example.cn); production builds every link in" >&2; \
	  echo "  emails on it and refuses to start without it." >&2; \
	  exit 1; \
	fi
	MARKET_ENV=$${MARKET_ENV:-production} $(BIN)/gunicorn --config gunicorn.conf.py

# Security checks (scripts/audit.sh): bandit, atheris fuzzing (FUZZ_RUNS), sqlmap against a
# throwaway instance on loopback, schemathesis once the JSON API serves its OpenAPI document.
audit: venv-dev  ## security checks: bandit, fuzzing, sqlmap, schemathesis
	bash scripts/audit.sh
