"""The 批量导入 pages: upload, the row-by-row preview, confirmation, the result, the templates, and
the forbidden paths."""

import io
import re
from pathlib import Path

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from banli.imports.columns import ITEM_COLUMNS
from banli.imports.models import ImportBatch
from banli.proposals.models import Item
from tests.imports.make_files import ERRORS
from tests.web.pages import login


def text(html) -> str:
    """What a reader sees: the page without its tags, spaces collapsed."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html if isinstance(html, str) else html.content.decode()))

pytestmark = pytest.mark.django_db
DATA = Path(__file__).parent / "data"


@pytest.fixture(autouse=True)
def inline(settings):
    settings.BANLI_IMPORT_INLINE_ROWS = 100_000


def post_file(client, name, **fields):
    with open(DATA / name, "rb") as f:
        return client.post("/imports/", {"file": f, **fields})


def load_reference(world):
    c = login(world.gov_office)
    r = post_file(c, "reference.xlsx", kind="reference")
    batch_id = int(re.search(r"/imports/(\d+)/", r["Location"]).group(1))
    assert c.post(f"/imports/{batch_id}/start/").status_code == 302
    assert ImportBatch.objects.get(pk=batch_id).state == ImportBatch.State.DONE


def test_the_office_uploads_sees_every_error_and_cannot_confirm(world):
    load_reference(world)
    c = login(world.cppcc_office)
    r = post_file(c, "items_500_errors.xlsx", kind="items", session=world.cppcc_session.pk)
    assert r.status_code == 302
    page = c.get(r["Location"])
    html = page.content.decode()
    for _, _, words in ERRORS.values():
        assert words in text(html), words
    assert "/start/" not in html and "修正后请重新上传" in text(html)
    assert "有错误 8" in text(html) and "新建 492" in text(html)
    assert Item.objects.filter(session=world.cppcc_session).count() == 0


def test_the_good_file_is_confirmed_and_the_result_leads_to_assignment(world):
    load_reference(world)
    c = login(world.cppcc_office)
    r = post_file(c, "items_500.xlsx", kind="items", session=world.cppcc_session.pk)
    batch_url = r["Location"]
    preview = c.get(batch_url).content.decode()
    assert "新建 500" in text(preview) and 'action="/imports/' in preview
    done = c.get(c.post(batch_url + "start/")["Location"]).content.decode()
    assert "导入完成" in text(done) and "新建提案/建议 500" in text(done)
    assert f"/items/?session={world.cppcc_session.pk}&amp;state=registered" in done  # on to assignment
    assert Item.objects.filter(session=world.cppcc_session, state="registered").count() == 500
    status = c.get(batch_url.rstrip("/") + ".json").json()
    assert status["state"] == "done" and status["done"] == status["total"] == 500


def test_the_preview_costs_the_same_whatever_the_rows(world):
    load_reference(world)
    c = login(world.cppcc_office)
    small = _small_file(10)
    counts = []
    for data in (small, (DATA / "items_500.xlsx").read_bytes()):
        r = c.post("/imports/", {"file": io.BytesIO(data), "kind": "items", "session": world.cppcc_session.pk})
        with CaptureQueriesContext(connection) as q:
            assert c.get(r["Location"]).status_code == 200
        counts.append(len(q))
    assert counts[0] == counts[1]


def _small_file(n) -> bytes:
    wb = load_workbook(DATA / "items_500.xlsx")
    ws = wb.active
    ws.delete_rows(n + 2, ws.max_row)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_templates_download_with_the_headings_the_import_reads(world):
    c = login(world.gov_office)
    r = c.get("/imports/template/items.xlsx")
    wb = load_workbook(io.BytesIO(b"".join(r.streaming_content)))
    assert [cell.value for cell in wb.active[1]] == [col.name for col in ITEM_COLUMNS]
    assert world.lead_unit.name in [row[0].value for row in wb["可选单位"].iter_rows()]
    r = c.get("/imports/template/reference.xlsx")
    assert {"单位", "委员代表"} <= set(load_workbook(io.BytesIO(b"".join(r.streaming_content))).sheetnames)


def test_only_the_offices_may_open_the_import_pages(world):
    for user in (world.lead_liaison, world.member, world.district_leader):
        c = login(user)
        assert c.get("/imports/").status_code == 403, user.username
        assert c.get("/imports/template/items.xlsx").status_code == 403
        with open(DATA / "items_500.xlsx", "rb") as f:
            assert c.post("/imports/", {"file": f, "kind": "items", "session": world.cppcc_session.pk}).status_code in (400, 403)
    # An assembly office sees neither the reference template nor the government office's batch.
    c = login(world.cppcc_office)
    assert c.get("/imports/template/reference.xlsx").status_code == 403
    gov = login(world.gov_office)
    r = post_file(gov, "reference.xlsx", kind="reference")
    assert c.get(r["Location"]).status_code == 404
    assert c.post(r["Location"] + "start/").status_code == 302 and ImportBatch.objects.get().state == ImportBatch.State.PREVIEWED
    assert c.get(r["Location"].rstrip("/") + ".json").status_code == 404
    assert ImportBatch.objects.count() == 1


def test_a_word_file_is_refused_with_a_message_on_the_form(world):
    c = login(world.cppcc_office)
    r = c.post("/imports/", {"file": io.BytesIO(b"PK\x03\x04 not really"), "kind": "items", "session": world.cppcc_session.pk})
    assert r.status_code == 400 and "无法读取" in text(r.content.decode())
    assert ImportBatch.objects.count() == 0
