"""`make test` on a fresh Debian machine: bin/system-deps checks the Debian packages the suite
needs, installs the missing ones with apt-get (as root, or through password-less sudo), else stops
at once naming the command to run. `make test`, `make run` and `.ci/run` all use it: one list.

The script runs here against fake dpkg-query, apt-get, id and sudo on PATH, so nothing is installed."""

import os
import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "bin" / "system-deps"
TEST_PACKAGES = ["chromium", "fonts-arphic-uming", "fonts-noto-cjk", "gettext", "nginx", "poppler-utils"]
BASH = shutil.which("bash")


def _tool(folder: Path, name: str, body: str) -> None:
    path = folder / name
    path.write_text("#!/bin/sh\n" + body)
    path.chmod(0o755)


@pytest.fixture
def machine(tmp_path):
    """A fake Debian machine: `installed` packages, a user id, sudo that works or not. Every
    apt-get call is logged instead of run."""
    fake = tmp_path / "bin"
    fake.mkdir()
    log = tmp_path / "apt.log"

    def run(mode="test", *, installed=(), uid=1000, sudo=False, commands=()):
        # dpkg-query -W -f=FORMAT PACKAGE: "ii " when installed, else an error.
        _tool(fake, "dpkg-query", 'for p; do :; done\ncase " $FAKE_INSTALLED " in *" $p "*) printf "ii ";; '
                                  '*) echo "dpkg-query: no packages found matching $p" >&2; exit 1;; esac\n')
        _tool(fake, "apt-get", 'echo "apt-get $*" >> "$FAKE_LOG"\n')
        _tool(fake, "id", f'echo {uid}\n')
        for name in commands:
            _tool(fake, name, "exit 0\n")
        _tool(fake, "sudo", 'if [ "$1" = "-n" ]; then shift; fi\n' + ('"$@"\n' if sudo else "exit 1\n"))
        # Only the fakes on PATH (the fakes are /bin/sh scripts): nothing of the real machine is asked.
        env = {"PATH": str(fake), "FAKE_INSTALLED": " ".join(installed), "FAKE_LOG": str(log), "HOME": str(tmp_path)}
        r = subprocess.run([BASH, str(SCRIPT), mode], env=env, capture_output=True, text=True, timeout=30)
        calls = log.read_text().splitlines() if log.exists() else []
        log.unlink(missing_ok=True)
        return r, calls

    return run


def test_everything_present_passes_without_apt(machine):
    r, calls = machine(installed=TEST_PACKAGES)
    assert r.returncode == 0, r.stderr
    assert calls == [] and r.stderr == ""


def test_missing_packages_without_root_stop_at_once_naming_the_command(machine):
    r, calls = machine(installed=["gettext", "fonts-arphic-uming", "nginx"], uid=1000, sudo=False)
    assert r.returncode == 1
    assert calls == []
    assert "apt-get install -y chromium fonts-noto-cjk poppler-utils" in r.stderr
    assert "missing Debian packages: chromium fonts-noto-cjk poppler-utils" in r.stderr


def test_root_installs_only_what_is_missing(machine):
    r, calls = machine(installed=["chromium", "fonts-arphic-uming", "nginx", "poppler-utils"], uid=0)
    assert r.returncode == 0, r.stderr
    assert calls == ["apt-get update -qq", "apt-get install -y -qq --no-install-recommends fonts-noto-cjk gettext"]


def test_passwordless_sudo_installs_too(machine):
    r, calls = machine(installed=["chromium", "fonts-arphic-uming", "gettext", "nginx", "poppler-utils"], uid=1000, sudo=True)
    assert r.returncode == 0, r.stderr
    assert calls == ["apt-get update -qq", "apt-get install -y -qq --no-install-recommends fonts-noto-cjk"]


def test_make_run_only_warns_when_it_cannot_install_the_font(machine):
    """The demo works without the fonts (the Word report leaves its charts out, a PDF download says
    which package is missing), so `make run` goes on."""
    r, calls = machine("run", installed=[], uid=1000, sudo=False)
    assert r.returncode == 0 and calls == []
    assert "apt-get install -y fonts-arphic-uming fonts-noto-cjk" in r.stderr


def test_ci_adds_the_postgresql_client_unless_psql_is_there(machine):
    r, calls = machine("ci", installed=TEST_PACKAGES, uid=0)
    assert r.returncode == 0, r.stderr
    assert calls[-1] == "apt-get install -y -qq --no-install-recommends postgresql-client"
    # A PostgreSQL server's own client (postgresql-client-15) will do.
    r, calls = machine("ci", installed=TEST_PACKAGES, uid=0, commands=["psql"])
    assert r.returncode == 0 and calls == []


@pytest.mark.skipif(shutil.which("make") is None, reason="needs make")
@pytest.mark.parametrize("target,mode", [("test", "test"), ("run", "run")])
def test_make_checks_the_packages_before_it_starts(target, mode):
    """`make -n` prints the recipe without running it: the check comes before pytest / the server."""
    out = subprocess.run(["make", "-n", "-W", "requirements.lock", target], cwd=ROOT, capture_output=True, text=True,
                         env={**os.environ, "MAKEFLAGS": ""}, timeout=30).stdout.splitlines()
    check = next(i for i, line in enumerate(out) if f"bin/system-deps {mode}" in line)
    start = next(i for i, line in enumerate(out) if "pytest" in line or "runserver" in line)
    assert check < start


def test_ci_uses_the_same_list_and_runs_apt_nowhere_else():
    ci = (ROOT / ".ci" / "run").read_text()
    assert "bin/system-deps ci" in ci
    assert "apt-get" not in ci
    assert "apt-get" not in (ROOT / "Makefile").read_text()
