"""The production files in deploy/ (issue 16.1) checked against what they name: the systemd units by
systemd's own verifier, the nginx site by nginx's, the environment file against every setting Banli
reads, and the site's limits against Banli's. The running stack is tested in test_stack_smoke.py."""

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from deploy.render import render
from deploy.tls import self_signed

REPO = Path(__file__).resolve().parents[2]
DEPLOY = REPO / "deploy"
UNITS = sorted((DEPLOY / "systemd").glob("banli-*"))
PRODUCTION = {"BANLI_PRODUCTION": "1", "BANLI_SECRET_KEY": "k3y-" + "Zq8vN2rT5wXy7bC1dF4gH6jK9mP0sL3u" * 2}


def _env(**extra) -> dict:
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("BANLI_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE", "DJANGO_ALLOW_ASYNC_UNSAFE")}
    return env | {"PYTHONPATH": f"{REPO / 'src'}:{REPO}"} | extra


def _render(tmp_path, **env) -> str:
    cert, key = self_signed(tmp_path / "tls")
    done = subprocess.run([sys.executable, "-m", "deploy.render", "nginx", "--server-name", "banli.example.gov.cn",
                           "--certificate", str(cert), "--certificate-key", str(key)],
                          cwd=REPO, env=_env(**PRODUCTION, **env), capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_nothing_in_banli_imports_deploy():
    """deploy/ is the tools around the product (as demo/ and bench/ are): the product never needs it."""
    offenders = [str(p.relative_to(REPO)) for p in (REPO / "src" / "banli").rglob("*.py")
                 if re.search(r"^\s*(from|import) deploy\b", p.read_text(), re.M)]
    assert offenders == []


def test_the_units_are_the_five_the_operator_enables():
    assert [u.name for u in UNITS] == ["banli-backup.service", "banli-backup.timer", "banli-beat.service",
                                       "banli-web.service", "banli-worker.service"]


@pytest.mark.skipif(shutil.which("systemd-analyze") is None, reason="systemd-analyze is part of systemd (not in this container)")
def test_systemd_accepts_the_units_with_the_code_where_they_say(tmp_path):
    """systemd-analyze verify with /srv/banli/app replaced by this checkout: every key known, every
    command there and executable (an unknown key is only a warning, so stderr must be empty too)."""
    for unit in UNITS:
        (tmp_path / unit.name).write_text(unit.read_text().replace("/srv/banli/app", str(REPO)))
    done = subprocess.run(["systemd-analyze", "verify", *[str(tmp_path / u.name) for u in UNITS]],
                          capture_output=True, text=True, timeout=60)
    assert done.returncode == 0 and done.stderr == "", done.stderr


def test_the_units_run_what_the_repository_has():
    text = {u.name: u.read_text() for u in UNITS}
    assert "gunicorn -c /srv/banli/app/deploy/gunicorn.conf.py" in text["banli-web.service"]
    assert "celery -A banli worker" in text["banli-worker.service"] and "celery -A banli beat" in text["banli-beat.service"]
    assert "manage.py backup --output /var/backups/banli/" in text["banli-backup.service"]
    assert (REPO / "src" / "banli" / "ops" / "management" / "commands" / "backup.py").exists()
    # Every unit reads the one environment file; the timer starts the backup service.
    assert all("EnvironmentFile=/etc/banli/banli.env" in t for name, t in text.items() if name.endswith(".service"))
    assert "OnCalendar=" in text["banli-backup.timer"] and "Persistent=true" in text["banli-backup.timer"]


def _settings_read_by_banli() -> set[str]:
    names = set()
    for path in [*(REPO / "src" / "banli").rglob("*.py"), DEPLOY / "gunicorn.conf.py"]:
        text = path.read_text()
        names.update(re.findall(r'env_\w+\(\s*"((?:BANLI_|DATABASE_)\w+)"', text))
        names.update(re.findall(r'environ(?:\.get)?[(\[]\s*"((?:BANLI_|PROMETHEUS_)\w+)"', text))
        names.update(re.findall(r'_int\("(BANLI_\w+)"', text))
    return names


def test_the_environment_file_names_every_setting_banli_reads():
    example = (DEPLOY / "banli.env.example").read_text()
    named = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", example, re.M))
    read = _settings_read_by_banli()
    assert {"BANLI_SECRET_KEY", "BANLI_SENDFILE", "BANLI_WORKERS", "DATABASE_URL", "BANLI_CACHE"} <= read
    assert sorted(read - named) == []
    assert sorted(named - read) == []  # nothing named that Banli does not read (a typo would be ignored)


def test_the_environment_file_gives_settings_that_pass_check_deploy(tmp_path):
    """The example, with a key filled in, read the way deploy/banli-env reads it (the shell), gives
    Banli's production settings: `check --deploy` finds nothing. (Hashed static names need the
    collected manifest, which a fresh checkout has not: off for this check only.)"""
    env_file = tmp_path / "banli.env"
    env_file.write_text((DEPLOY / "banli.env.example").read_text()
                        .replace("BANLI_SECRET_KEY=\n", f"BANLI_SECRET_KEY={PRODUCTION['BANLI_SECRET_KEY']}\n")
                        .replace("BANLI_STATIC_HASHED=1", "BANLI_STATIC_HASHED=0"))
    done = subprocess.run([str(DEPLOY / "banli-env"), sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
                          env=_env(BANLI_ENV_FILE=str(env_file)), capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout
    shown = subprocess.run([str(DEPLOY / "banli-env"), sys.executable, "-c", "import os; print(os.environ['BANLI_EMAIL_FROM'])"],
                           env=_env(BANLI_ENV_FILE=str(env_file)), capture_output=True, text=True, timeout=30)
    assert shown.stdout.strip() == "提案办理系统 <banli@example.gov.cn>"


def test_nginx_accepts_the_rendered_production_site(tmp_path):
    site = tmp_path / "banli.conf"
    site.write_text(_render(tmp_path))
    conf = tmp_path / "nginx.conf"
    conf.write_text(f"pid {tmp_path}/nginx.pid;\nevents {{}}\nhttp {{\n include /etc/nginx/mime.types;\n include {site};\n}}\n")
    done = subprocess.run(["nginx", "-t", "-p", str(tmp_path), "-c", str(conf), "-e", str(tmp_path / "error.log")],
                          capture_output=True, text=True, timeout=30)
    assert done.returncode == 0, done.stderr


def test_the_site_takes_its_limits_and_folders_from_banli(tmp_path):
    default = _render(tmp_path)
    assert "client_max_body_size 52428800;" in default  # BANLI_BODY_MAX_BYTES, 50 MB
    assert "最多 50 MB" in default
    assert f"alias {REPO / 'staticfiles'}/;" in default
    assert 'Strict-Transport-Security "max-age=31536000; includeSubDomains"' in default
    assert "server unix:/run/banli/gunicorn.sock fail_timeout=0;" in default
    assert "return 301 https://$host$request_uri;" in default
    changed = _render(tmp_path, BANLI_BODY_MAX_BYTES=str(10 * 1024 * 1024), BANLI_MEDIA_ROOT="/data/banli/files")
    assert "client_max_body_size 10485760;" in changed and "最多 10 MB" in changed
    assert "alias /data/banli/files/;" in changed
    assert "{{" not in default and "}}" not in default


def test_a_value_that_would_break_the_configuration_is_refused():
    template = "server_name {{server_name}}; root {{static_root}};"
    assert render(template, {"server_name": "a.example b.example", "static_root": "/srv"}) == \
        "server_name a.example b.example; root /srv;"
    with pytest.raises(ValueError, match="static_root must be one word"):
        render(template, {"server_name": "a", "static_root": "/srv; include /etc/passwd"})
    with pytest.raises(ValueError, match="without a value"):
        render(template, {"server_name": "a"})
    with pytest.raises(ValueError, match="not in the template"):
        render(template, {"server_name": "a", "static_root": "/srv", "typo": "x"})
