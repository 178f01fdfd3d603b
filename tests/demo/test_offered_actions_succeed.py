"""Issue 14, point 6, on the whole demo district: for every item and every demo account that can
read it, each step the table offers (workflow.available_actions: what the item page and the API
show) is taken with the real action function and plausible input, inside a savepoint rolled back
at once, and must succeed. And the converse for the cases seen in Chromium: 设为重点 and 取消重点
never side by side, 撤销公开 only on a published reply, 审核撤回申请 only on a request; forced
through the API anyway, they are refused and change nothing.

The offers are read for all items × all accounts (the item is loaded once, as the item page loads
it); the steps are run for up to PER_KIND items of each (step, item state, account), which keeps
the run well under a minute while every kind of offer is tried."""

from collections import Counter

import pytest
from django.contrib.auth import get_user_model
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import override_settings
from django.utils import timezone
from rest_framework.test import APIClient

from banli.errors import BanliError
from banli.org.models import Person, SessionPolicy, StaffRole, Unit
from banli.proposals import actions, selectors, workflow
from banli.proposals.access import actor_for, visible_items
from banli.proposals.actions.registration import MERGE_REFUSED
from banli.proposals.models import Assignment, Item, LeadCoGrade, Publication
from demo.accounts import ACCOUNTS
from demo.commands import load
from tests.checks import snapshot

pytestmark = pytest.mark.django_db

FAST_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
PER_KIND = 3
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker):
    """The demo district, generated once for the module inside a transaction rolled back at the end."""
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHERS):
        with transaction.atomic():
            assert "Demo loaded" in load(if_empty=True)
            yield
            transaction.set_rollback(True)


class Inputs:
    """Valid input for each step, judged from the item as it stands (the table's own rules say
    which steps are open; this says what a careful person would type into the form)."""

    def __init__(self):
        self.today = timezone.localdate()
        self.leader_id = StaffRole.objects.filter(kind=StaffRole.Kind.DISTRICT_LEADER).values_list("user_id", flat=True).first()
        self.units = list(Unit.objects.filter(active=True).order_by("pk").values_list("pk", flat=True))

    def __call__(self, action, item, a):
        other_unit = next(u for u in self.units if u not in {x.unit_id for x in item.assignments.all() if x.active})
        reply = {"reply_type": "A", "body": "您提出的建议收悉，经研究答复如下……", "signatory": "主任", "contact_person": "联络员"}
        simple = {
            "edit_draft": {"title": item.title + "（修改）"},
            "respond_cosign": {"confirm": True}, "submit": {}, "withdraw": {"reason": "不再需要"},
            "register": {}, "return_for_revision": {"reason": "请补充"}, "reject": {"reason": "不属于职责范围"},
            "convert": {"to": "意见建议", "reason": ""}, "request_withdrawal": {"reason": "问题已解决"},
            "decide_withdrawal": {"approve": False, "note": "已在办理"},
            "assign": {"lead": self.units[0], "co": [], "note": ""},
            "reassign": {"co": [other_unit], "reason": "需配合"},
            "sign": {}, "request_adjustment": {"reason": "不属本单位职责", "suggested_unit_text": "区发展和改革委员会"},
            "decide_adjustment": {"approve": False, "note": "请继续办理"},
            "record_consultation": {"kind": "after" if item.state == "closed" else "before", "form": "visit", "held_on": self.today,
                                    "participants": "双方"},
            "send_co_opinion": {"text": "同意"}, "waive_co_opinion": {"reason": "机构调整"},
            "draft_reply": reply, "convert_reply_type": reply,
            "submit_reply": {}, "approve_reply": {}, "return_reply": {"comment": "请修改"},
            "leader_approve_reply": {}, "leader_return_reply": {"comment": "再研究"}, "send_reply": {},
            "decide_extension": {"approve": True, "note": ""},
            "record_mediation": {"held_on": self.today, "participants": "各方", "outcome": "达成一致"},
            "report_progress": {"text": "推进中"}, "file_closure_report": {"text": "已完成", "done_on": self.today},
            "approve_closure_report": {}, "return_closure_report": {"comment": "请补充"}, "reopen": {"reason": "委员再次反映"},
            "revoke_publication": {"reason": "不宜继续公开"}, "mark_key": {"leader_id": self.leader_id, "reason": ""},
            "unmark_key": {"reason": "调整"}, "give_instruction": {"text": "抓紧办理"}, "urge": {"text": "请抓紧"},
            "post_message": {"body": "请问进展？"},
        }
        if action in simple:
            return dict(simple[action])
        return getattr(self, action)(item, a)

    def invite_cosigners(self, item, a):
        taken = {c.person_id for c in item.cosigners.all()} | {item.proposer_id}
        person = Person.objects.filter(assembly=item.assembly, active=True).exclude(pk__in=taken).order_by("pk").first()
        return {"person_ids": [person.pk]}

    def set_publication_consent(self, item, a):
        return {"consent": item.consent_publish is not True}

    def merge(self, item, a):
        into = Item.objects.filter(session_id=item.session_id).exclude(state__in=MERGE_REFUSED).exclude(pk=item.pk).order_by("pk").first()
        return {"into_id": into.pk, "reason": "内容相近"}

    def grade_co_unit(self, item, a):
        last = LeadCoGrade.objects.filter(assignment=a).order_by("-id").values_list("grade__code", flat=True).first()
        return {"grade": "fair" if last == "good" else "good", "comment": ""}

    def request_extension(self, item, a):
        latest = SessionPolicy.for_session(item.session).due("reply_max", a.assigned_at)
        return {"requested_due": latest, "reason": "需进一步调研"}

    def give_feedback(self, item, a):
        return {"reply_id": workflow.awaiting_rating(item)[0].pk, "grade": "good", "agrees": True}

    def record_no_feedback(self, item, a):
        rows = {d.key: d for d in item.deadlines.all()}
        lapsed = [r for r in workflow.awaiting_rating(item) if (d := rows.get(f"feedback:{r.pk}"))
                  and (d.state == "late" or (d.state == "open" and d.due_on < self.today))]
        return {"reply_id": lapsed[0].pk}

    def decide_publication(self, item, a):
        if item.consent_publish is True:
            return {"publish": True}
        return {"publish": False, "reason": "涉及个人信息"}  # decidable() leaves only an undecided reply here

    def add_attachment(self, item, a):
        return {"file": SimpleUploadedFile("材料.pdf", PDF, "application/pdf")}


def run_step(user, action, item, assignment, data):
    """Take the step and undo it: the savepoint is rolled back whatever happens."""
    kwargs = dict(data)
    if assignment is not None:
        kwargs["assignment"] = assignment
    with transaction.atomic():
        try:
            getattr(actions, action)(user, item.pk, **kwargs)
        finally:
            transaction.set_rollback(True)


def test_every_offered_step_succeeds_for_every_demo_account(demo):
    users = {u.username: u for u in get_user_model().objects.filter(username__in=[a[0] for a in ACCOUNTS])}
    assert len(users) == len(ACCOUNTS)
    readers = {name: set(visible_items(u).values_list("pk", flat=True)) for name, u in users.items()}
    ids = list(Item.objects.order_by("pk").values_list("pk", flat=True))
    assert len(ids) == 269
    inputs = Inputs()
    offers = ran = 0
    kinds = Counter()
    failures = []
    for pk in ids:
        who = [name for name in users if pk in readers[name]]
        if not who:
            continue
        item = selectors.item_detail(users[who[0]], pk)  # loaded as the item page loads it
        for name in who:
            for o in workflow.available_actions(actor_for(users[name]), item):
                offers += 1
                kind = (o["action"], item.state, name)
                if kinds[kind] >= PER_KIND:
                    continue
                kinds[kind] += 1
                a = next((x for x in item.assignments.all() if x.pk == o.get("assignment")), None)
                data = inputs(o["action"], item, a)
                try:
                    run_step(users[name], o["action"], item, o.get("assignment"), data)
                except BanliError as err:
                    failures.append(f"{name} {o['action']} on item {pk} ({item.state}, unit {o.get('unit', '-')}): "
                                    f"{err.code} {err.field or ''} {err.zh}")
                ran += 1
    print(f"\n{offers} offered (item, account, step) triples over {len(ids)} items and {len(users)} accounts; "
          f"{ran} taken, covering {len({k[0] for k in kinds})} kinds of step in {len(kinds)} (step, state, account) kinds")
    assert not failures, "offered but refused:\n" + "\n".join(failures)
    assert ran >= 300 and len({k[0] for k in kinds}) >= 35


def test_the_cases_seen_in_chromium_are_not_offered_and_are_refused_when_forced(demo):
    office = get_user_model().objects.get(username="office")
    assembly_office = get_user_model().objects.get(username="cppcc")
    actor = actor_for(office)
    seen = Counter()
    for pk in Item.objects.order_by("pk").values_list("pk", flat=True):
        item = selectors.item_detail(office, pk)
        if item is None:
            continue
        offered = {(o["action"], o.get("assignment")) for o in workflow.available_actions(actor, item)}
        names = {n for n, _ in offered}
        assert not {"mark_key", "unmark_key"} <= names, f"item {pk} offers 设为重点 and 取消重点 side by side"
        assert ("mark_key" in names) <= (not item.is_key) and ("unmark_key" in names) <= item.is_key, pk
        for a in item.assignments.all():
            if ("revoke_publication", a.pk) in offered:
                assert a.publication == Publication.PUBLISHED, f"item {pk}: 撤销公开 on a reply that is {a.publication}"
                seen["revoke offered"] += 1
            if ("decide_publication", a.pk) in offered:
                assert a.publication != Publication.PUBLISHED, pk
        seen["key" if item.is_key else "not key"] += 1
    assert seen["key"] and seen["not key"] and seen["revoke offered"]

    # Forced through the API: refused with the reason, and nothing written.
    not_key = Item.objects.filter(is_key=False, state__in=workflow.TABLE["unmark_key"].from_states).order_by("pk").first()
    key = Item.objects.filter(is_key=True, state__in=workflow.TABLE["mark_key"].from_states).order_by("pk").first()
    undecided = Assignment.objects.filter(role="lead", replied_round__gte=1, publication=Publication.UNDECIDED,
                                          item__state__in=workflow.TABLE["revoke_publication"].from_states).order_by("pk").first()
    unpublished = undecided.item
    no_request = Item.objects.filter(assembly="cppcc", withdrawal_requested=False, state="handling").order_by("pk").first()
    cases = [
        (office, not_key, "unmark_key", {"reason": "调整"}, "not_key"),
        (office, key, "mark_key", {"leader_id": key.key_leader_id}, "already_key"),
        (office, unpublished, "revoke_publication",
         {"assignment": undecided.pk, "reason": "撤下"}, "not_published"),
        (assembly_office, no_request, "decide_withdrawal", {"approve": True}, "no_withdrawal_request"),
    ]
    for user, item, action, payload, code in cases:
        c = APIClient()
        c.force_login(user)
        before = snapshot()
        r = c.post(f"/api/items/{item.pk}/actions/{action}/", payload, format="json")
        assert (r.status_code, r.json()["code"]) == (409, code), (action, r.json())
        assert snapshot() == before, f"a refused {action} wrote something"
