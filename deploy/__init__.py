"""Banli's production setup (issue 16.1): gunicorn settings, the nginx site template, systemd units,
the environment file template; and `python -m deploy.stack`, which runs the same stack locally
(`make stack`, `make stack-smoke`). A package only so that the stack script and its smoke test can
be imported by tests/deploy; nothing in src/banli imports it."""
