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


def test_the_api_declares_its_serializers_in_one_package_and_its_views_in_another():
    """api/serializers/<concern>.py declares every input and output shape, api/views/<concern>.py
    the endpoints that use them: no serializer class or inline schema is declared in a view."""
    api = SRC / "api"
    assert (api / "serializers").is_dir() and (api / "views").is_dir()
    assert not [p.name for p in api.glob("*.py") if p.name not in {"__init__.py", "apps.py", "errors.py", "pagination.py", "parsers.py", "schema.py", "urls.py"}]
    offenders = []
    for p in _modules(api / "views"):
        for node in ast.walk(ast.parse(p.read_text())):
            if isinstance(node, ast.ClassDef) and any("Serializer" in ast.unparse(b) for b in node.bases):
                offenders.append(f"{p.name}: class {node.name}")
            if isinstance(node, ast.Call) and ast.unparse(node.func).endswith("inline_serializer"):
                offenders.append(f"{p.name}: inline_serializer")
    assert not offenders, offenders


def test_one_id_field():
    """The largest id an input accepts is defined once (banli.params) and every id input takes it
    through banli.inputs.id_field."""
    defined = [f"{p.relative_to(ROOT)}" for p in _modules(SRC) if "MAX_ID =" in p.read_text()]
    assert defined == ["src/banli/params.py"], defined
