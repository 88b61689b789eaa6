# SafeCity: `make demo` serves the demo city; `make test` runs the whole suite.
# Needs only Python 3.11 and git: the environment is created from uv.lock.

PYTHON ?= python3
UV_VERSION := 0.13.8
TOOLS := .tools
UV := $(TOOLS)/bin/uv
VENV := .venv
BIN := $(VENV)/bin
export UV_PYTHON_DOWNLOADS := never
export UV_PYTHON_PREFERENCE := only-system

.PHONY: env demo test lint typecheck check messages unit system-deps clean

$(UV):
	$(PYTHON) -m venv $(TOOLS)
	$(TOOLS)/bin/pip install --quiet --disable-pip-version-check "uv==$(UV_VERSION)"

$(VENV)/.synced: uv.lock pyproject.toml | $(UV)
	$(UV) sync --frozen --python $(PYTHON)
	@touch $@

env: $(VENV)/.synced
	@$(BIN)/python scripts/compile_messages.py

demo: env
	@bash scripts/ensure-system-deps.sh --runtime || echo "PDF reports need Pango and fonts-wqy-microhei"
	@# No mail server in a demo: e-mail notifications are written to var/mail (core.delivery).
	DEBUG=0 HTTPS=0 EMAIL_BACKEND=$${EMAIL_BACKEND:-django.core.mail.backends.filebased.EmailBackend} $(BIN)/safecity demo

system-deps:
	@bash scripts/ensure-system-deps.sh

messages: env
	cd safecity && DJANGO_SETTINGS_MODULE=safecity.test_settings ../$(BIN)/safecity makemessages -l zh_Hans --ignore 'static/*'
	$(BIN)/python scripts/compile_messages.py

lint: env
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: env
	$(BIN)/mypy

check: env
	DJANGO_SETTINGS_MODULE=safecity.test_settings $(BIN)/safecity check --fail-level WARNING
	PRODUCTION=1 DEBUG=0 HTTPS=1 SECRET_KEY=check-deploy-$$(date +%s)-not-a-real-secret-0123456789abcdefghijklmnop ALLOWED_HOSTS=safecity.example.org \
		$(BIN)/safecity check --deploy --fail-level WARNING
	DJANGO_SETTINGS_MODULE=safecity.test_settings $(BIN)/safecity makemigrations --check --dry-run
	DJANGO_SETTINGS_MODULE=safecity.test_settings $(BIN)/safecity spectacular --validate --fail-on-warn --file /dev/null

unit: env system-deps
	$(BIN)/pytest

test: lint typecheck check unit

clean:
	rm -rf $(VENV) $(TOOLS) var .pytest_cache .mypy_cache .ruff_cache
