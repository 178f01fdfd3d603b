"""The English catalog (src/banli/locale/en/LC_MESSAGES/django.po): every entry translated, no
string in the code missing from it, the compiled .mo in step with it, and the pages really in
English when the browser asks for English.

Message ids are the Chinese text. After adding or changing a string, from src/banli:

    PYTHONPATH=.. ../../.venv/bin/django-admin makemessages -l en --ignore 'migrations/*' \\
        --no-location --settings banli.settings
    (translate the new entries, drop their `#, fuzzy`)
    PYTHONPATH=.. ../../.venv/bin/django-admin compilemessages --settings banli.settings

and commit both django.po and django.mo. Mind: makemessages files the strings of any folder that
holds a `locale` directory into that directory, so there must be no other `locale` folder under
src/banli (test_one_catalog_only).

Needs GNU gettext (xgettext, msgmerge, msguniq, msgfmt) on the machine running the tests."""

import ast
import os
import re
import shutil
import struct
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest
from django.test import Client

import banli
from tests.builders import make_item

PACKAGE = Path(banli.__file__).resolve().parent
LOCALE = PACKAGE / "locale"
PO = LOCALE / "en" / "LC_MESSAGES" / "django.po"
MO = PO.with_suffix(".mo")
MAKEMESSAGES = ["makemessages", "-l", "en", "--ignore", "migrations/*", "--no-location"]
GETTEXT_TOOLS = ("xgettext", "msgmerge", "msguniq", "msgfmt")

CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]|\{\{\s*\w+\s*\}\}")


# ---- a tiny .po / .mo reader (no polib: the project adds no dependency for this) ----------------

@dataclass
class Entry:
    msgid: str = ""
    msgid_plural: str | None = None
    msgctxt: str | None = None
    msgstr: dict = field(default_factory=dict)  # None -> text for a plain entry, 0/1/... for plural forms
    flags: set = field(default_factory=set)
    line: int = 0

    @property
    def key(self) -> tuple:
        return (self.msgctxt, self.msgid, self.msgid_plural)


def _unquote(token: str, where: str) -> str:
    token = token.strip()
    if not (len(token) >= 2 and token[0] == token[-1] == '"'):
        raise ValueError(f"{where}: expected a quoted string, got {token!r}")
    return ast.literal_eval(token)  # a PO string's escapes (\n \t \" \\) are Python's


def parse_po(text: str, name: str = "django.po") -> list[Entry]:
    """The entries of a .po file, header first, obsolete (#~) entries left out."""
    entries: list[Entry] = []
    cur: Entry | None = None
    target = None  # (attribute, index) the following continuation lines extend
    flags: set = set()
    has_msgid = False

    def finish():
        nonlocal cur
        if cur is not None:
            entries.append(cur)
        cur = None

    for n, raw in enumerate(text.splitlines(), 1):
        line = raw.strip()
        where = f"{name}:{n}"
        if not line:
            finish()
            target = None
            continue
        if line.startswith("#~"):
            continue
        if line.startswith("#,"):
            finish()
            flags |= {f.strip() for f in line[2:].split(",") if f.strip()}
            continue
        if line.startswith("#"):
            finish()
            continue
        keyword, _, rest = line.partition(" ")
        if line.startswith('"'):
            if cur is None or target is None:
                raise ValueError(f"{where}: a continuation line outside an entry")
            attr, idx = target
            if attr == "msgstr":
                cur.msgstr[idx] += _unquote(line, where)
            else:
                setattr(cur, attr, getattr(cur, attr) + _unquote(line, where))
        elif keyword in ("msgctxt", "msgid"):
            if cur is not None and (keyword == "msgctxt" or has_msgid):
                finish()
            if cur is None:
                cur, flags, has_msgid = Entry(flags=flags, line=n), set(), False
            has_msgid = has_msgid or keyword == "msgid"
            setattr(cur, keyword, _unquote(rest, where))
            target = (keyword, None)
        elif keyword == "msgid_plural" and cur is not None:
            cur.msgid_plural = _unquote(rest, where)
            target = ("msgid_plural", None)
        elif keyword == "msgstr" and cur is not None:
            cur.msgstr[None] = _unquote(rest, where)
            target = ("msgstr", None)
        elif (m := re.fullmatch(r"msgstr\[(\d+)\]", keyword)) and cur is not None:
            cur.msgstr[int(m.group(1))] = _unquote(rest, where)
            target = ("msgstr", int(m.group(1)))
        else:
            raise ValueError(f"{where}: cannot read {raw!r}")
    finish()
    return entries


def read_mo(data: bytes) -> dict[str, str]:
    """A compiled catalog as {id: text}; ids and texts as gettext stores them (context\\x04id,
    plural forms joined by \\x00)."""
    magic = struct.unpack("<I", data[:4])[0]
    order = "<" if magic == 0x950412DE else ">" if magic == 0xDE120495 else None
    assert order, "not a GNU .mo file"
    _, count, ids_at, strs_at = struct.unpack(order + "4I", data[4:20])
    out = {}
    for i in range(count):
        id_len, id_off = struct.unpack(order + "2I", data[ids_at + 8 * i: ids_at + 8 * i + 8])
        s_len, s_off = struct.unpack(order + "2I", data[strs_at + 8 * i: strs_at + 8 * i + 8])
        out[data[id_off:id_off + id_len].decode()] = data[s_off:s_off + s_len].decode()
    return out


def committed_entries() -> list[Entry]:
    return parse_po(PO.read_text(encoding="utf-8"), str(PO))


def header(entries) -> dict[str, str]:
    head = next(e for e in entries if e.msgid == "" and e.msgctxt is None)
    return dict(line.split(": ", 1) for line in head.msgstr[None].splitlines() if ": " in line)


def need_gettext():
    missing = [t for t in GETTEXT_TOOLS if shutil.which(t) is None]
    if missing:
        pytest.fail(f"GNU gettext is needed to check the catalog ({', '.join(missing)} not found): "
                    "install it, e.g. `apt-get install gettext` on Debian.", pytrace=False)


# ---- the catalog itself --------------------------------------------------------------------

def test_catalog_header_is_english_with_two_plural_forms():
    head = header(committed_entries())
    assert head.get("Language") == "en"
    assert head.get("Content-Type") == "text/plain; charset=UTF-8"
    assert head.get("Plural-Forms") == "nplurals=2; plural=(n != 1);"


def test_every_entry_is_translated_and_none_is_fuzzy():
    problems = []
    for e in committed_entries():
        if "fuzzy" in e.flags:
            problems.append(f"line {e.line}: fuzzy: {e.msgid or '(header)'}")
        if e.msgid == "":
            continue
        forms = [0, 1] if e.msgid_plural is not None else [None]
        if sorted(e.msgstr, key=str) != sorted(forms, key=str):
            problems.append(f"line {e.line}: expected msgstr forms {forms}, found {list(e.msgstr)}: {e.msgid}")
        elif any(not e.msgstr[f].strip() for f in forms):
            problems.append(f"line {e.line}: untranslated: {e.msgid}")
    assert not problems, "The English catalog is incomplete:\n" + "\n".join(problems)


def test_translations_keep_their_placeholders_and_leave_no_chinese():
    problems = []
    for e in committed_entries():
        if e.msgid == "":
            continue
        for form, text in e.msgstr.items():
            source = e.msgid_plural if form and e.msgid_plural is not None else e.msgid
            if sorted(PLACEHOLDER.findall(text)) != sorted(PLACEHOLDER.findall(source)):
                problems.append(f"line {e.line}: placeholders differ: {source!r} -> {text!r}")
            if CJK.search(text):
                problems.append(f"line {e.line}: Chinese left in the English text: {text!r}")
    assert not problems, "\n".join(problems)


def test_one_catalog_only():
    """makemessages files the strings of a folder holding a `locale` directory into that directory:
    a second one would split the catalog (and the test below would not see the split)."""
    catalogs = sorted(str(p.relative_to(PACKAGE)) for p in PACKAGE.rglob("*.po"))
    assert catalogs == ["locale/en/LC_MESSAGES/django.po"]


def test_catalog_has_every_string_in_the_code(tmp_path):
    """Run makemessages on a copy of the package into an empty catalog and compare message ids:
    a string wrapped for translation but missing from the committed catalog fails here."""
    need_gettext()

    def skip(src, names):
        # Other `locale` folders (even empty ones) would split the copy's catalog; caches are noise.
        return [n for n in names if n == "__pycache__" or (n == "locale" and Path(src).resolve() != PACKAGE)]

    copy = tmp_path / "banli"
    shutil.copytree(PACKAGE, copy, ignore=skip)
    shutil.rmtree(copy / "locale")
    (copy / "locale" / "en" / "LC_MESSAGES").mkdir(parents=True)
    env = {**os.environ, "PYTHONPATH": str(tmp_path), "DJANGO_SETTINGS_MODULE": "banli.settings"}
    run = subprocess.run([sys.executable, "-P", "-m", "django", *MAKEMESSAGES, "--settings", "banli.settings"],
                         cwd=copy, env=env, capture_output=True, text=True, timeout=300)
    assert run.returncode == 0, f"makemessages failed:\n{run.stdout}\n{run.stderr}"
    fresh = copy / "locale" / "en" / "LC_MESSAGES" / "django.po"
    assert fresh.exists(), f"makemessages wrote no catalog at {fresh}:\n{run.stdout}\n{run.stderr}"
    in_code = {e.key for e in parse_po(fresh.read_text(encoding="utf-8"), "fresh django.po") if e.msgid}
    in_catalog = {e.key for e in committed_entries() if e.msgid}
    missing = sorted(in_code - in_catalog, key=lambda k: (k[1], k[0] or "", k[2] or ""))
    assert not missing, (
        f"{len(missing)} message(s) in the code are not in {PO.relative_to(PACKAGE.parent.parent)}; "
        "run makemessages, translate them and compilemessages (see this module's docstring):\n"
        + "\n".join(f"  {m[1]!r}" + (f" / plural {m[2]!r}" if m[2] else "") + (f" (context {m[0]!r})" if m[0] else "")
                    for m in missing))


def test_compiled_catalog_is_up_to_date(tmp_path):
    """django.mo is what Django reads: it must be compiled from the committed django.po."""
    need_gettext()
    assert MO.exists(), f"{MO} is missing: run compilemessages"
    fresh = tmp_path / "django.mo"
    run = subprocess.run(["msgfmt", "--check", "-o", str(fresh), str(PO)], capture_output=True, text=True)
    assert run.returncode == 0, f"msgfmt refuses the catalog:\n{run.stderr}"
    assert read_mo(MO.read_bytes()) == read_mo(fresh.read_bytes()), "django.mo is stale: run compilemessages and commit it"


# ---- the pages -----------------------------------------------------------------------------

def _chrome(html: str) -> str:
    """The page without the language switch, which says 中文 on purpose."""
    return re.sub(r'<button[^>]*lang="zh-CN"[^>]*>.*?</button>', "", html, flags=re.S)


def _data_removed(html: str) -> str:
    """The page chrome only: drop the elements that carry records (titles, names, unit names)."""
    html = _chrome(html)
    html = re.sub(r'<span class="(?:title|who)">.*?</span>', "", html, flags=re.S)
    html = re.sub(r'<a class="acct"[^>]*>.*?</a>', "", html, flags=re.S)  # the user's own name
    return re.sub(r'<span class="meta">.*?</span>\s*</li>', "</li>", html, flags=re.S)


def _cjk_context(text: str) -> list[str]:
    return [text[max(0, m.start() - 60): m.end() + 60].replace("\n", " ") for m in CJK.finditer(text)][:10]


@pytest.mark.django_db
def test_login_page_in_english_has_no_chinese():
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    page = client.get("/login/")
    html = page.content.decode()
    assert page.status_code == 200
    assert '<html lang="en">' in html
    for text in ("Log in", "Username", "Password", "Proposal handling system", "Skip to content"):
        assert text in html
    assert 'lang="zh-CN">中文</button>' in html
    assert not CJK.search(_chrome(html)), _cjk_context(_chrome(html))

    refused = client.post("/login/", {"username": "nobody", "password": "wrong"})
    html = refused.content.decode()
    assert "Wrong username or password." in html
    assert not CJK.search(_chrome(html)), _cjk_context(_chrome(html))


def test_todo_page_in_english(world, gov_office):
    make_item(world, state="registered")
    client = Client(HTTP_ACCEPT_LANGUAGE="en")
    client.force_login(gov_office)
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200
    for text in ("To do", "Deadlines", "Q&A", "Notifications", "Log out", "Government office", "Items to assign",
                 "Adjustment requests to decide", "Questions to answer", "item is waiting for you"):
        assert text in html, text
    chrome = _data_removed(html)
    assert not CJK.search(chrome), _cjk_context(chrome)

    chinese = Client(HTTP_ACCEPT_LANGUAGE="zh-CN")
    chinese.force_login(gov_office)
    assert "待交办" in chinese.get("/").content.decode()


def test_excel_export_in_english_has_a_valid_sheet_name():
    """Excel sheet names may not hold / \\ ? * : [ ] (openpyxl refuses them)."""
    from django.utils import translation

    from banli.proposals.models import Item
    from banli.web.export import items_workbook

    with translation.override("en"):
        assert items_workbook(Item.objects.none()).getvalue()[:2] == b"PK"
