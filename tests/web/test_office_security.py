"""系统管理 · 安全审计 (issue 15.2): the office reads the security events, filtered, 50 a page in a
fixed number of queries, and exports them to Excel (the export itself recorded); refusals and
exports of personal data are recorded whichever door they came through; the trail of changes
shows before → after; nobody but the office and superusers gets in."""

import datetime
import io

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from banli.audit.models import AuditRecord
from banli.audit.security import security_event
from banli.audit.service import record
from tests.builders import make_item
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db


def events(kind):
    return AuditRecord.objects.filter(action=f"security.{kind}").order_by("id")


def make_events(world, n, ip="10.0.0.9"):
    for i in range(n):
        record(actor=None, action="security.login_failed", after={"ip": ip, "username": f"guess{i}", "path": "/login/"})


def test_the_office_reads_the_events_newest_first_with_who_and_where(world):
    security_event("login", user=world.member, ip="10.1.1.1")
    record(actor=None, action="security.login_failed", after={"ip": "10.2.2.2", "username": "nobody", "path": "/login/"})
    page = login(world.gov_office).get("/office/security/")
    assert page.status_code == 200
    html = text(page)
    assert html.index("nobody") < html.index("member")  # newest first
    assert "登录失败" in html and "10.2.2.2" in html and "登录成功" in html


@pytest.mark.parametrize("who", ["lead_liaison", "member", "district_leader"])
def test_others_are_refused_and_the_refusal_is_recorded(world, who):
    user = getattr(world, who)
    client = login(user)
    for url in ("/office/security/", "/office/security/export.xlsx", "/office/audit/"):
        assert client.get(url).status_code == 403
    refused = list(events("refused").filter(actor=user))
    assert [r.after["path"] for r in refused] == ["/office/security/", "/office/security/export.xlsx", "/office/audit/"]
    assert refused[0].after["code"] == "forbidden" and refused[0].after["method"] == "GET" and refused[0].after["status"] == 403
    assert not events("export").exists()


def test_a_superuser_reads_them_too(world):
    assert login(world.admin_user).get("/office/security/").status_code == 200


def test_filters_kind_user_address_and_dates(world):
    security_event("login", user=world.member)
    record(actor=None, action="security.login_failed", after={"ip": "10.3.3.3", "username": "member", "path": "/login/"})
    record(actor=None, action="security.login_failed", after={"ip": "10.4.4.4", "username": "other", "path": "/login/"})
    client = login(world.gov_office)

    def listed(**params):
        page = client.get("/office/security/", params)
        assert page.status_code == 200
        return [r.pk for r, *_ in page.context["rows"]]

    failed = list(events("login_failed").values_list("pk", flat=True))
    assert sorted(listed(kind="login_failed")) == sorted(failed)
    # The account that acted, or the name typed at a failed login.
    mine = listed(user="member")
    assert events("login").get().pk in mine and failed[0] in mine and failed[1] not in mine
    assert listed(ip="10.4.4.4") == [failed[1]]
    today = datetime.date.today().isoformat()
    assert len(listed(**{"from": today, "to": today})) >= 3
    assert listed(**{"to": "2000-01-01"}) == []
    bad = client.get("/office/security/", {"from": "昨天"})
    assert bad.status_code == 400 and "日期格式应为 YYYY-MM-DD" in text(bad)


def test_fifty_a_page_in_a_fixed_number_of_queries(world):
    client = login(world.gov_office)
    counts = []
    for n in (110, 260):
        make_events(world, n - AuditRecord.objects.filter(action="security.login_failed").count())
        client.get("/office/security/")  # warm: the session's own first reads
        with CaptureQueriesContext(connection) as ctx:
            page = client.get("/office/security/", {"page": "2"})
        assert page.status_code == 200 and len(page.context["rows"]) == 50
        counts.append(len(ctx))
    assert counts[0] == counts[1], counts
    # session, user, the office check (the door's and the selector's), the count, the page's rows
    # with their users; then the menu's as on every page: the roles (1) and the unread badge.
    assert counts[0] == 8, counts


def test_the_filtered_events_export_to_excel_and_the_export_is_recorded(world):
    make_events(world, 3, ip="10.5.5.5")
    security_event("login", user=world.member, ip="10.6.6.6")
    response = login(world.gov_office).get("/office/security/export.xlsx", {"ip": "10.5.5.5"})
    assert response.status_code == 200 and response["Content-Disposition"].startswith("attachment")
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).active
    rows = list(sheet.iter_rows(values_only=True))
    assert rows[0][:4] == ("时间", "事件", "用户", "地址")
    assert len(rows) == 4 and all(r[3] == "10.5.5.5" and r[1] == "登录失败" for r in rows[1:])
    export = events("export").get()
    assert export.actor_id == world.gov_office.pk
    assert export.after["what"] == "security_events" and export.after["rows"] == 3 and export.after["filters"] == {"ip": "10.5.5.5"}


def test_exports_of_personal_data_are_recorded(world):
    item = make_item(world, "handling")
    client = login(world.gov_office)
    assert client.get("/items/export.xlsx").status_code == 200
    assert client.get("/deadlines/export.xlsx").status_code == 200
    assert client.get(f"/items/{item.pk}/dossier.pdf").status_code == 200
    what = [(r.after["what"], r.actor_id) for r in events("export")]
    assert what == [("item_list", world.gov_office.pk), ("deadlines", world.gov_office.pk), ("dossier_pdf", world.gov_office.pk)]
    assert events("export").last().after["item_id"] == item.pk


def test_an_api_refusal_is_recorded_after_its_transaction(world):
    client = login(world.member)
    response = client.post("/api/reports/dossiers/", {"session": world.ref.cppcc_session.pk}, content_type="application/json")
    assert response.status_code == 403
    row = events("refused").get()
    assert row.actor_id == world.member.pk and row.after["path"] == "/api/reports/dossiers/" and row.after["method"] == "POST"


def test_the_trail_of_changes_shows_before_and_after_of_one_record(world):
    unit = world.spare_unit
    record(actor=world.gov_office, action="update_unit", target=unit, before={"phone": "021-0000"}, after={"phone": "021-9999"})
    record(actor=world.gov_office, action="update_unit", target=world.co_unit, before={"phone": "1"}, after={"phone": "2"})
    security_event("login", user=world.member)
    page = login(world.gov_office).get("/office/audit/", {"target_type": "unit", "target_id": unit.pk})
    assert page.status_code == 200
    rows = page.context["rows"]
    assert [r.target_id for r, *_ in rows] == [unit.pk]
    html = text(page)
    assert "021-0000" in html and "021-9999" in html
    assert login(world.gov_office).get("/office/audit/", {"target_id": "x"}).status_code == 400


def test_the_office_home_has_the_card(world):
    html = text(login(world.gov_office).get("/office/"))
    assert 'href="/office/security/"' in html
