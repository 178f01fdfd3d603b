"""The office's security audit page (issue 15.2) at desktop and phone width: the filters, the
events with who and where, the export button; it fits the phone without sideways scrolling."""

from banli.audit.models import AuditRecord
from banli.audit.security import security_event
from banli.audit.service import record
from tests.web.browser.helpers import login, screenshot, visit


def test_the_security_page_at_desktop_and_phone_width(page_for, live_server, world):
    security_event("login", user=world.member, ip="10.20.30.40")
    for i in range(3):
        record(actor=None, action="security.login_failed", after={"ip": "172.16.8.21", "username": f"zhangsan{i}", "path": "/login/"})
    record(actor=world.lead_liaison, action="security.refused", after={"ip": "10.20.30.41", "path": "/office/users/", "method": "GET",
                                                                      "status": 403, "code": "forbidden"})
    record(actor=world.gov_office, action="security.export", after={"ip": "10.20.30.42", "path": "/items/export.xlsx", "what": "item_list",
                                                                    "filters": {"state": "handling"}})
    record(actor=world.admin_user, action="admin.change", target=world.member_person, before={"phone": "13800000001"},
           after={"phone": "13911112222"}, note="管理后台：委员/代表 王委员")
    for size in ("desktop", "phone"):
        page = page_for(size)
        login(page, live_server, world.gov_office.username)
        visit(page, "/office/security/")
        logins = AuditRecord.objects.filter(action="security.login", actor=world.gov_office).count()  # this walk's own
        assert logins >= 1 and page.locator("[data-list=security-events] tbody tr").count() == 6 + logins
        screenshot(page, f"office-security-{size}")
        visit(page, "/office/audit/?target_type=person")
        assert "13911112222" in page.locator("[data-list=audit-changes]").inner_text()
        screenshot(page, f"office-audit-{size}")
