"""The office runs Banli without /admin/: on a phone, the government office opens 系统管理 from its
menu, creates an account with a generated password, gives it the district leader's role and a unit
to supervise, and the new person logs in with the password shown once and sets a password of their
own. No page of the walk is under /admin/, every page fits the phone's width, nothing is loaded from
outside."""

import re

from django.contrib.auth import get_user_model

from banli.org.models import StaffRole, Unit
from tests.web.browser.helpers import login, screenshot, visit

User = get_user_model()


def test_the_office_creates_a_user_and_gives_them_a_role(page_for, live_server, request_log, world):
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    page.get_by_role("link", name="系统管理").click()
    page.wait_for_url("**/office/")
    page.locator("a.of-card", has_text="用户").click()
    page.wait_for_url("**/office/users/")
    page.get_by_role("link", name="新建用户").click()

    page.get_by_label("用户名").fill("zhou.fu")
    page.get_by_label("姓名").fill("周副区长")
    page.get_by_label("电子邮箱").fill("zhou@example.cn")
    page.get_by_label("由系统生成（只显示一次）").check()
    page.get_by_role("button", name="建立账号").click()
    page.wait_for_selector("[data-password-shown]")
    password = page.locator("[data-password]").inner_text().strip()
    assert re.fullmatch(r"[A-Za-z0-9]{12}", password)
    screenshot(page, "office-user-created-phone")

    page.get_by_role("link", name="继续：设置角色").click()
    page.locator("#roles summary").click()
    page.locator("#roles").get_by_label("角色").select_option("district_leader")
    page.locator("#roles").get_by_label("职务").fill("副区长")
    page.locator("#roles").get_by_role("button", name="添加").click()
    page.wait_for_selector('[data-role="district_leader"]')
    visit(page, page.url.split("#")[0])
    screenshot(page, "office-user-page-phone")

    user = User.objects.get(username="zhou.fu")
    assert StaffRole.objects.filter(user=user, kind="district_leader", title="副区长").exists()

    # The new leader's portfolio, on the leaders' page.
    visit(page, "/office/leaders/")
    section = page.locator(f'[data-leader="{user.username}"]')
    section.locator("summary").click()
    # The unit picker stands for the <select> it fills (chosen by value, as test_walk does).
    section.locator("select[name$=unit_ids]").select_option(value=[str(world.spare_unit.pk)], force=True)
    section.get_by_role("button", name="保存").click()
    page.wait_for_url("**/office/leaders/**")
    assert Unit.objects.get(pk=world.spare_unit.pk).supervising_leader_id == user.pk
    screenshot(page, "office-leaders-phone")

    # The new person logs in with the password handed over, and chooses their own.
    other = page_for("phone")
    login(other, live_server, "zhou.fu", password)
    visit(other, "/account/password/")
    other.locator("#id_old_password").fill(password)
    other.locator("#id_new_password1").fill("Baidi-Causeway-21")
    other.locator("#id_new_password2").fill("Baidi-Causeway-21")
    other.get_by_role("button", name="修改密码").click()
    other.wait_for_url("**/account/")
    assert User.objects.get(pk=user.pk).check_password("Baidi-Causeway-21")

    assert not [u for u in request_log.urls if "/admin/" in u]
    request_log.assert_all_local()


def test_every_page_of_the_office_fits_a_phone(page_for, live_server, request_log, world):
    """Each page of 系统管理 and of 我的账户 on a 360-px phone: no sideways scrolling."""
    page = page_for("phone")
    login(page, live_server, world.gov_office.username)
    session = world.ref.cppcc_session
    paths = ["/office/", "/office/users/", "/office/users/new/", f"/office/users/{world.lead_liaison.pk}/", "/office/units/",
             f"/office/units/{world.lead_unit.pk}/", "/office/leaders/", "/office/sessions/", f"/office/sessions/{session.pk}/",
             "/office/calendar/", f"/office/calendar/{session.year + 1}/", "/office/notifications/", "/account/", "/account/password/",
             "/account/notifications/"]
    for path in paths:
        visit(page, path)
        screenshot(page, "office-phone" + path.replace("/", "-").rstrip("-"))
    request_log.assert_all_local()
    request_log.assert_no_failures()
