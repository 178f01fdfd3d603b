# Two commands: `make run` (demo on http://127.0.0.1:$(PORT)) and `make test`.
SHELL := /bin/bash
.SHELLFLAGS := -o pipefail -c
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
PORT ?= 8000
export PYTHONPATH := src

.PHONY: run test test-fast bench venv demo clean stack stack-smoke

$(VENV)/.installed: requirements.lock
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	@# The machine's pip config names local indexes that may be absent; their warnings are noise.
	$(PY) -m pip install -q --disable-pip-version-check -r requirements.lock 2>&1 | { grep -v 'is ignored: it is neither' || true; }
	touch $@

venv: $(VENV)/.installed

# The Debian packages beyond Python (bin/system-deps lists them and says why): installed when
# missing, as root or with password-less sudo; otherwise `make test` stops at once, naming the command to run.
run: venv
	@bin/system-deps run
	$(PY) manage.py migrate --noinput -v0
	$(PY) manage.py collectstatic --noinput -v0
	$(PY) -m demo load --if-empty
	$(PY) -m demo accounts --port $(PORT)
	@# The daily deadline scan runs in this process every hour (idempotent: nothing is sent twice).
	@# The demo's accounts have no phone: two-factor is not required here (production keeps it on).
	BANLI_2FA_REQUIRED=$${BANLI_2FA_REQUIRED:-0} BANLI_SCAN_EVERY_SECONDS=3600 $(PY) manage.py runserver --noreload 127.0.0.1:$(PORT)

# The whole suite; set DATABASE_URL=postgres://... to run it on PostgreSQL.
test: venv
	@bin/system-deps test
	$(PY) -m pytest -n 2 --dist loadfile

# The production stack on this machine (deploy/stack.py): gunicorn (deploy/gunicorn.conf.py), a Celery
# worker and beat on Redis, nginx with the production site template and a self-signed certificate,
# BANLI_PRODUCTION=1, on this machine's PostgreSQL (database banli_stack) and Redis. Ctrl-C stops it all.
# STACK_HTTPS_PORT (8443), STACK_HTTP_PORT (8080) and STACK_DATABASE change the defaults.
stack: venv
	@bin/system-deps stack
	$(PY) -m deploy.stack run

# The same stack started, the smoke test (deploy/smoke.py) run through nginx's port, everything stopped.
stack-smoke: venv
	@bin/system-deps stack
	$(PY) -m deploy.stack smoke

bench: venv
	$(PY) -m bench.run $(BENCH_ARGS)
	$(PY) -m bench.scan $(SCAN_ARGS)
	$(PY) -m bench.assessment $(ASSESS_ARGS)
	$(PY) -m bench.suggest $(SUGGEST_ARGS)

clean:
	rm -rf $(VENV) db.sqlite3* staticfiles
