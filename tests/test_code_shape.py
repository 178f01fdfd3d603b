"""The shape DESIGN.md and the contributor's guide promise, checked: small modules, and the
domain and the pages never reaching into the API's door."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SRC = ROOT / "src" / "banli"
MAX_LINES = 400


def _modules(*dirs):
    for d in dirs:
        yield from sorted(p for p in d.rglob("*.py") if "migrations" not in p.parts)


def test_no_module_is_over_about_400_lines():
    """The product, and the tools beside it (the demo and the benchmark)."""
    tools = [d for d in (ROOT / "demo", ROOT / "bench") if d.is_dir()]
    big = {str(p.relative_to(ROOT)): n for p in _modules(SRC, *tools) if (n := len(p.read_text().splitlines())) > MAX_LINES}
    assert not big, f"split by concern: {big}"


def _imports(path):
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from (a.name for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
            yield node.module


def test_pages_and_domain_do_not_import_the_api():
    """The action registry and the input rules live in the domain; pages and the domain's tests
    take them from there (web -> api -> web was a cycle)."""
    offenders = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in _modules(SRC / "web", SRC / "proposals", ROOT / "tests" / "proposals")
        for m in _imports(p) if m == "banli.api" or m.startswith("banli.api.")
    ]
    assert not offenders, offenders


def test_the_product_knows_nothing_of_the_demo_and_the_benchmark():
    """The demo and the benchmark are tools beside the product: src/banli neither imports them nor
    installs the demo as an app (`python -m demo` loads it, `make run` calls that)."""
    from django.conf import settings

    offenders = [
        f"{p.relative_to(ROOT)}: {m}"
        for p in _modules(SRC) for m in _imports(p) if m.split(".")[0] in ("demo", "bench")
    ]
    assert not offenders, offenders
    assert not [app for app in settings.INSTALLED_APPS if "demo" in app]
    assert not (SRC / "demo").exists()


def test_bench_run_and_dossier_do_not_import_each_other():
    """bench.run runs the dossier case among the others; the dossier case (also run on its own,
    `python -m bench.dossier`) takes what it shares with bench.run (the floors, the timing) from
    modules of their own, never from bench.run."""
    bench = ROOT / "bench"
    assert "bench.run" not in set(_imports(bench / "dossier.py"))
    assert {"bench.floors", "bench.timing"} <= set(_imports(bench / "dossier.py"))
