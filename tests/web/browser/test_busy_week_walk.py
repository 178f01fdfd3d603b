"""The office's busy week in a real browser (issue 13, "how it is checked"): the CPPCC office imports
20 received proposals from Excel, sees the preview, confirms, and registers them in bulk; the
government office assigns them in bulk, prints the assignment notices, and creates an account for
a new liaison. No page of the walk is under /admin/, and nothing is loaded from outside."""

import io
import re
import subprocess

from django.contrib.auth import get_user_model
from openpyxl import Workbook
from playwright.sync_api import expect

from banli.imports.columns import ITEM_COLUMNS
from banli.proposals.models import Assignment, Item, ItemState
from tests.web.browser.helpers import login, screenshot, visit

TOPICS = ["加快老旧小区加装电梯", "增加医院周边停车泊位", "优化中小学课后服务", "推进垃圾分类提质增效", "加强社区养老服务",
          "规范电动自行车停放充电", "提升背街小巷照明", "加强校园周边交通秩序", "推进河道水环境治理", "扶持老字号商业街区"]


def _file(world, n=20) -> bytes:
    wb = Workbook()
    ws = wb.active
    ws.append([c.name for c in ITEM_COLUMNS])
    people = ["王委员", "李委员", "赵委员"]
    for i in range(n):
        # No number: received, not yet registered (the import's 待立案审查).
        ws.append(["", f"关于{TOPICS[i % len(TOPICS)]}的提案（{i + 1}）", people[i % 3], people[(i + 1) % 3] if i % 2 else "",
                   "交通出行", "（案由）有关情况和问题。", "一是……；二是……。", world.lead_unit.name])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_import_register_assign_print_and_create_an_account(page_for, live_server, request_log, world, tmp_path):
    path = tmp_path / "本次会议收到的提案.xlsx"
    path.write_bytes(_file(world))
    session = world.cppcc_session

    # The CPPCC office: import, preview, confirm.
    page = page_for("desktop")
    login(page, live_server, world.cppcc_office.username)
    page.get_by_role("link", name="批量导入").click()
    page.wait_for_url("**/imports/")
    page.get_by_label("导入到会次").select_option(str(session.pk))
    page.get_by_label("Excel 文件（.xlsx）").set_input_files(str(path))
    page.get_by_role("button", name="上传并预览").click()
    page.wait_for_url(re.compile(r"/imports/\d+/$"))
    expect(page.locator(".counts")).to_contain_text("新建 20")
    expect(page.locator(".import-rows tbody tr")).to_have_count(20)
    screenshot(page, "busy-week-import-preview")
    page.get_by_role("button", name="确认导入").click()
    expect(page.locator("#status")).to_contain_text("导入完成")
    assert Item.objects.filter(session=session, state=ItemState.SUBMITTED).count() == 20

    # On to registration: the list of what was received, all 20 registered in bulk.
    page.get_by_role("link", name="待立案审查的，去立案").click()
    page.wait_for_url("**/items/?*")
    page.get_by_role("radio", name=re.compile("本页")).check()
    page.get_by_role("button", name=re.compile("^立案")).click()
    page.get_by_role("button", name=re.compile("确认立案 20 件")).click()
    expect(page.locator("main")).to_contain_text("20")
    registered = Item.objects.filter(session=session, state=ItemState.REGISTERED)
    assert registered.count() == 20 and sorted(registered.values_list("number", flat=True)) == list(range(1, 21))
    # Numbers follow the order the items came in (the file's rows), whatever order the list showed.
    assert list(registered.order_by("number").values_list("title", flat=True)[:2]) == [
        f"关于{TOPICS[0]}的提案（1）", f"关于{TOPICS[1]}的提案（2）"]
    screenshot(page, "busy-week-registered")

    # The government office: assign the 20 in bulk to the same units.
    page = page_for("desktop")
    login(page, live_server, world.gov_office.username)
    visit(page, f"/items/?session={session.pk}&state=registered")
    page.get_by_role("radio", name=re.compile("本页")).check()
    page.get_by_role("button", name=re.compile("^交办")).click()
    lead = page.get_by_role("combobox", name="主办单位")
    lead.click()
    lead.type(world.lead_unit.short_name)
    lead.press("Enter")
    page.get_by_role("button", name=re.compile("确认交办 20 件")).click()
    expect(page.locator("main")).to_contain_text("20")
    assert Assignment.objects.filter(item__session=session, unit=world.lead_unit, role="lead").count() == 20
    assert Item.objects.filter(session=session, state=ItemState.ASSIGNED).count() == 20

    # Print the assignment notices of the list as filtered: one PDF, a page per notice.
    visit(page, f"/items/?session={session.pk}&state=assigned")
    href = page.get_by_role("link", name="打印交办单").get_attribute("href")
    pdf = page.request.get(live_server.url + href)
    assert pdf.status == 200 and pdf.headers["content-type"] == "application/pdf"
    (tmp_path / "notices.pdf").write_bytes(pdf.body())
    info = subprocess.run(["pdfinfo", str(tmp_path / "notices.pdf")], capture_output=True, text=True, check=True).stdout
    assert int(re.search(r"Pages:\s+(\d+)", info).group(1)) >= 20  # one notice per item and unit

    # And an account for the unit's new liaison, through 系统管理.
    page.get_by_role("link", name="系统管理").click()
    page.wait_for_url("**/office/")
    page.locator("a.of-card", has_text="用户").click()
    page.get_by_role("link", name="新建用户").click()
    page.get_by_label("用户名").fill("new.liaison")
    page.get_by_label("姓名").fill("新联络员")
    page.get_by_label("由系统生成（只显示一次）").check()
    page.get_by_role("button", name="建立账号").click()
    page.wait_for_selector("[data-password-shown]")
    assert get_user_model().objects.filter(username="new.liaison", first_name="新联络员").exists()
    screenshot(page, "busy-week-account")

    assert not [u for u in request_log.urls if "/admin/" in u]
    request_log.assert_all_local()
    request_log.assert_no_failures()
