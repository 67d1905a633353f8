# Shenyang IP Market: set-up, run, test. `make run` and `make test` are all a newcomer needs.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell sha1sum requirements.txt | cut -c1-12)
PO     := market/translations/zh/LC_MESSAGES/messages.po
MO     := $(PO:.po=.mo)
PORT   ?= 5000
FLASK  := $(BIN)/flask --app wsgi
export PYTHONDONTWRITEBYTECODE := 1

.PHONY: venv db run test test-pg i18n lint clean serve audit

venv: $(STAMP) $(MO)  ## create .venv with the pinned requirements (quick when nothing changed)

$(STAMP): requirements.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	rm -f $(VENV)/.installed-* && touch $@

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
test: venv  ## run the whole test suite
	$(BIN)/python -m pytest $(PYTEST_ARGS)
	@if [ -n "$$TEST_POSTGRES_URL" ]; then \
	  echo "== PostgreSQL pass: database tests again on $$TEST_POSTGRES_URL =="; \
	  TEST_DATABASE_URL="$$TEST_POSTGRES_URL" $(BIN)/python -m pytest -m db $(PYTEST_ARGS); \
	fi

i18n: venv  ## extract strings, update the Chinese catalogue (the only place Chinese is written), compile, check
	$(BIN)/pybabel extract -F babel.cfg -k _l -k lazy_gettext -k lazy_pgettext:1c,2 --ignore-dirs=".venv tests bench migrations instance" -o /tmp/market-messages.pot .
	$(BIN)/pybabel update -i /tmp/market-messages.pot -d market/translations -l zh --width 100
	$(BIN)/pybabel compile -d market/translations -l zh
	$(BIN)/python -m pytest -q -p no:cacheprovider tests/test_translations.py

lint: venv
	$(BIN)/ruff check market tests bench

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
audit: venv  ## security checks: bandit, fuzzing, sqlmap, schemathesis
	bash scripts/audit.sh
