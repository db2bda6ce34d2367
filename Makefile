# QualityGov — the two commands a new machine needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cksum pyproject.toml | cut -d' ' -f1)
PYTEST_ARGS ?= -n 2

.PHONY: install demo test test-fast test-browser ci lint messages browser-deps clean

$(STAMP): pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit("QualityGov needs Python 3.11 or newer") if sys.version_info < (3, 11) else None'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e ".[test,prod]"
	@rm -f $(VENV)/.installed-*
	@touch $(STAMP)

install: $(STAMP)

messages: install
	@if command -v msgfmt >/dev/null 2>&1; then cd qualitygov && ../$(BIN)/django-admin compilemessages --verbosity 0; fi

demo: install messages
	$(BIN)/qualitygov demo

# Browser tests drive Debian's Chromium; install it when we can (root with apt-get).
browser-deps:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = "0" ] && command -v apt-get >/dev/null 2>&1; then \
	    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null; \
	  else echo "Browser tests need Debian's Chromium: sudo apt-get install -y chromium" >&2; fi; \
	fi

# pytest exits 5 when it collected no tests: a suite that ran nothing must not look green.
PYTEST_RUN = $(BIN)/pytest $(PYTEST_ARGS) $(1); rc=$$?; \
	if [ $$rc -eq 5 ]; then echo "pytest collected no tests (exit 5): nothing was checked" >&2; fi; exit $$rc

test: install messages browser-deps
	@$(call PYTEST_RUN,)

# The suite without the browser tests, and the browser tests alone.
test-fast: install messages
	@$(call PYTEST_RUN,-m "not browser")

test-browser: install messages browser-deps
	@$(call PYTEST_RUN,-m browser)

# What CI runs: lint (ruff, import layers), then `make test` on SQLite and on PostgreSQL (see .ci/run).
ci:
	bash .ci/run

lint: install
	$(BIN)/ruff check .
	$(BIN)/lint-imports

clean:
	rm -rf var $(VENV)
