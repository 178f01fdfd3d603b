"""The inbox in groups (a day and a kind: "今天 · 新交办 · 3 条"), unread news first; what the
to-do list carries is not counted as unread; a notification reads in the page's language."""

import datetime
import re

import pytest
from django.conf import settings
from django.utils import timezone, translation

from banli.notify import selectors
from banli.notify.models import Notification
from banli.notify.service import notify, notify_many
from banli.notify.todo import CARRIED, FOR_THE_RECORD
from banli.proposals import actions
from tests.builders import make_item
from tests.web.pages import login, text

pytestmark = pytest.mark.django_db

TITLE = "关于加装电梯的建议"


def days_ago(n, **filters):
    """Move these notifications n days back (same time of day)."""
    for note in Notification.objects.filter(**filters):
        Notification.objects.filter(pk=note.pk).update(created_at=note.created_at - datetime.timedelta(days=n))


def groups_shown(html) -> list[str]:
    """Each group's heading as the page shows it: "今天 · 新交办 3 条 3 条未读"."""
    out = []
    for summary in re.findall(r'<li class="card group[^"]*"[^>]*>\s*<details[^>]*>\s*<summary>(.*?)</summary>', html, re.S):
        out.append(" ".join(re.sub(r"<[^>]+>", " ", summary).split()))
    return out


def office_day(world):
    """A day of the government office's notifications: work for its to-do list (registered items
    to assign, a request to adjust), a closure it keeps for the record, and news (messages)."""
    office = [world.gov_office.pk]
    for n in range(1, 4):
        notify(office, "register", f"已立案第{n:04d}号：{TITLE}{n}")
    notify(office, "request_adjustment", f"区建委申请调整：{TITLE}1")
    notify(office, "closed", f"已办结：{TITLE}2")
    notify(office, "message", f"委员/代表留言：{TITLE}2")
    notify(office, "message", f"委员/代表留言：{TITLE}3")


def test_groups_by_day_and_kind_unread_news_first(world, gov_office):
    office_day(world)
    notify([gov_office.pk], "message", f"委员/代表留言：{TITLE}9")
    days_ago(1, text=f"委员/代表留言：{TITLE}9")
    html = text(login(gov_office).get("/inbox/"))
    assert groups_shown(html) == [
        # unread news first, the latest day first
        "今天 · 留言 2 条 2 条未读",
        "昨天 · 留言 1 条 1 条未读",
        # then what is kept for the record and what the to-do list carries, listed but not unread
        "今天 · 已办结 1 条 仅供备查",
        "今天 · 调整申请 1 条 已列入待办",
        "今天 · 已立案 3 条 已列入待办",
    ]
    # The header's badge counts the news only: 3, not 8.
    assert re.search(r'通知 <span class="badge" aria-label="3 条未读">3</span>', html)
    # Each notification links to its item's page; a group of news has one "标为已读", the others none.
    assert html.count('<button class="btn">标为已读</button>') == 2


def test_the_unread_count_leaves_out_what_the_to_do_list_carries(world, gov_office, cppcc_office, lead_liaison, member,
                                                                  django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(world, "replied", co=False)
    raw = {u.username: Notification.objects.filter(recipient=u, read_at__isnull=True).count() for u in (gov_office, cppcc_office, lead_liaison, member)}
    counted = {u.username: selectors.unread_count(u) for u in (gov_office, cppcc_office, lead_liaison, member)}
    kinds = {u.username: sorted(set(Notification.objects.filter(recipient=u).values_list("kind", flat=True)))
             for u in (gov_office, cppcc_office, lead_liaison)}
    # The assembly office heard of the submission (its 待立案审查 card), the government office of
    # the registration (its 待交办 card), the liaison of the assignment (its 签收 card): all work
    # their to-do lists showed, none of it unread news now.
    assert kinds["cppcc_office"] == ["submit"] and counted["cppcc_office"] == 0 < raw["cppcc_office"]
    assert "register" in kinds["gov_office"] and counted["gov_office"] == raw["gov_office"] - Notification.objects.filter(
        recipient=gov_office, kind__in=CARRIED["gov_office"] | FOR_THE_RECORD["gov_office"]).count()
    assert "assigned" in kinds["lead_liaison"]
    assert counted["lead_liaison"] == Notification.objects.filter(recipient=lead_liaison).exclude(kind__in=CARRIED["liaison"]).count()
    # The proposer: "registered" is news; "replied, please rate" is on the 待评价的答复 card.
    assert Notification.objects.filter(recipient=member, kind="replied", item=item).exists()
    assert counted["member"] == Notification.objects.filter(recipient=member).exclude(kind__in=CARRIED["proposer"]).count() > 0
    # The API says the same as the page's badge.
    assert login(gov_office).get("/api/notifications/unread/").json() == {"unread": counted["gov_office"]}


def test_a_busy_office_reads_what_it_needs_to(world, gov_office, cppcc_office):
    """Two hundred items registered in a session: the office's badge stays at what is news."""
    messages = [([gov_office.pk], "register", f"已立案第{n:04d}号：{TITLE}{n}", None) for n in range(1, 201)]
    messages += [([gov_office.pk], "closed", f"已办结：{TITLE}{n}", None) for n in range(1, 121)]
    messages += [([gov_office.pk], "message", f"委员/代表留言：{TITLE}{n}", None) for n in range(1, 6)]
    messages += [([cppcc_office.pk], "submit", f"新提交待审查：{TITLE}{n}", None) for n in range(1, 181)]
    notify_many(messages)
    assert Notification.objects.filter(recipient=gov_office, read_at__isnull=True).count() == 325
    assert selectors.unread_count(gov_office) == 5
    assert selectors.unread_count(cppcc_office) == 0
    html = text(login(gov_office).get("/inbox/"))
    assert groups_shown(html) == ["今天 · 留言 5 条 5 条未读", "今天 · 已办结 120 条 仅供备查", "今天 · 已立案 200 条 已列入待办"]
    # An opened group lists its newest ten and links to the rest.
    day = timezone.localdate().isoformat()
    assert f'href="/inbox/?kind=register&amp;day={day}">查看这一组的全部 200 条</a>' in html
    full = text(login(gov_office).get(f"/inbox/?kind=register&day={day}"))
    assert full.count(f"：{TITLE}") == 30 and "第 1 / 7 页" in full


def test_marking_a_group_read_marks_that_group_only(world, gov_office, lead_liaison):
    office_day(world)
    notify([gov_office.pk], "message", f"委员/代表留言：{TITLE}9")
    days_ago(1, text=f"委员/代表留言：{TITLE}9")
    notify([lead_liaison.pk], "message", f"委员/代表留言：{TITLE}2")
    c = login(gov_office)
    today = timezone.localdate().isoformat()
    r = c.post("/inbox/read/", {"kind": "message", "day": today, "next": "/inbox/"})
    assert r.status_code == 302 and r["Location"] == "/inbox/"
    said = Notification.objects.filter(kind="message")
    assert sorted((n.recipient.username, n.text, n.read_at is not None) for n in said) == [
        ("gov_office", f"委员/代表留言：{TITLE}2", True), ("gov_office", f"委员/代表留言：{TITLE}3", True),
        ("gov_office", f"委员/代表留言：{TITLE}9", False),  # yesterday's group is another group
        ("lead_liaison", f"委员/代表留言：{TITLE}2", False),  # someone else's: never
    ]
    assert groups_shown(text(c.get("/inbox/")))[:2] == ["昨天 · 留言 1 条 1 条未读", "今天 · 留言 2 条"]
    # A group that is not there, or a day that is not a date, marks nothing.
    c.post("/inbox/read/", {"kind": "message", "day": "not-a-day"})
    c.post("/inbox/read/", {"kind": "nothing", "day": today})
    assert selectors.unread_count(gov_office) == 1


def test_the_inbox_costs_the_same_whatever_it_holds(world, gov_office, django_assert_num_queries):
    def page():
        c = login(gov_office)
        c.get("/inbox/")  # the session and the user are read once per request either way
        # session, user, the roles (1), the unread badge; the groups; their newest ten
        with django_assert_num_queries(6):
            assert c.get("/inbox/").status_code == 200

    office_day(world)
    page()
    for n in range(1, 30):
        notify([gov_office.pk], "closed", f"已办结：{TITLE}{n}")
        days_ago(n % 12, text=f"已办结：{TITLE}{n}")
    page()


def test_a_notification_reads_in_the_pages_language(world, gov_office, lead_liaison):
    notify([lead_liaison.pk], "assigned", f"新交办第0012号，请在规定时限内签收：{TITLE}")
    notify_many([([lead_liaison.pk], "reminder_late", f"【超期提醒】《{TITLE}》答复已超期3个工作日（应于2026年03月02日前完成）。", None)])
    # A row written before notifications kept their values (or by a tool around the service).
    Notification.objects.bulk_create([Notification(recipient=lead_liaison, kind="urge", text=f"催办：{TITLE}。请于3个工作日内答复。")])
    assert Notification.objects.filter(params__isnull=True).count() == 1
    c = login(lead_liaison)
    c.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = text(c.get("/inbox/"))
    # The sentence is interface and is in English; the title and what a person typed are data.
    assert f"Newly assigned No. 0012; please sign for it in time: {TITLE}" in html
    assert f"[Overdue] “{TITLE}”: Reply is 3 working day(s) late (due 2026-03-02)." in html
    assert f"Urge notice: {TITLE}. 请于3个工作日内答复。" in html
    # The group headings too.
    assert "Newly assigned" in html and "Overdue" in html and "Urge notices" in html
    # In Chinese, exactly as written.
    zh = text(login(lead_liaison).get("/inbox/"))
    assert f"新交办第0012号，请在规定时限内签收：{TITLE}" in zh and "今天 · <strong>新交办</strong>" in zh
    with translation.override("en"):
        assert str(Notification.objects.get(kind="assigned")) == f"Newly assigned No. 0012; please sign for it in time: {TITLE}"


def test_every_action_text_has_its_english_sentence(world, gov_office, lead_liaison, lead_head, member, cppcc_office, district_leader,
                                                    django_capture_on_commit_callbacks):
    """The actions' own texts, through the whole life of an item, are all matched by a sentence."""
    with django_capture_on_commit_callbacks(execute=True):
        item = make_item(world, "closed", co=True)
        handling = make_item(world, "handling", co=False)
        actions.urge(gov_office, handling.pk, assignment=handling.assignments.get().pk, text="请抓紧。")
    rows = list(Notification.objects.all())
    assert len({n.kind for n in rows}) >= 10
    assert [(n.kind, n.text) for n in rows if n.params is None] == []
    data = [item.title, handling.title, world.lead_unit.name, world.co_unit.name, "请抓紧。", world.member_person.name,
            world.cosigner_person.name]
    with translation.override("en"):
        chinese_left = []
        for n in rows:
            shown = n.rendered
            for d in data:
                shown = shown.replace(d, "")
            if re.search(r"[\u4e00-\u9fff]", shown):
                chinese_left.append(shown)
    assert chinese_left == []
