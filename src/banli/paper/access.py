"""Who may hold which paper. Each helper fetches and authorises in one step, and a document the
reader may not have looks the same as one that does not exist (404).

- The assignment notice of a unit: the government office, and that unit (its liaisons and leader).
- The reply letter: once the unit leader has approved it (a number on a draft would be wasted), the
  government office and the units handling the item, as far as the item's reading rule
  (banli.proposals.reading) shows them the reply: another unit sees only a sent one. The proposer
  receives it once it is sent. Nobody else: not co-signers, the assembly office or district leaders,
  who read the reply on the item page.
- The closure report: the same people, once the unit leader has approved it (rule 8: it is the
  second reply to the proposer).
- The batch of notices and the letterhead: the government office (and the administrator)."""

from banli.errors import forbidden, not_found
from banli.proposals import selectors
from banli.proposals.access import access_item, actor_for
from banli.proposals.models import Assignment, ClosureReport, Reply
from banli.proposals.reading import item_view

LETTER_STATES = (Reply.State.APPROVED, Reply.State.SENT)


def is_office(user) -> bool:
    a = actor_for(user)
    return a.gov_office or a.is_admin


def check_office(user) -> None:
    if not is_office(user):
        raise forbidden("只有区政府办公室可以执行此操作。", "Only the government office may do this.")


def may_see_notice(actor, assignment) -> bool:
    return actor.gov_office or actor.is_admin or assignment.unit_id in actor.unit_ids


def _in_audience(actor, item, *, sent: bool) -> bool:
    """The office, the item's units, and (for what was sent) the proposer."""
    if actor.gov_office or actor.is_admin:
        return True
    units = {a.unit_id for a in item.assignments.all() if a.active}
    return bool(actor.unit_ids & units) or (sent and item.proposer_id in actor.person_ids)


def notice(user, item_id, assignment_id):
    """An active assignment of a readable item with the item's other active assignments."""
    item = access_item(user, item_id)
    rows = list(Assignment.objects.filter(item_id=item.pk).exclude(state=Assignment.State.ENDED)
                .select_related("item__proposer", "item__category", "item__session__term", "unit"))
    mine = next((a for a in rows if str(a.pk) == str(assignment_id)), None)
    if mine is None or not may_see_notice(actor_for(user), mine):
        raise not_found()
    return mine, rows


def _detail(user, item_id):
    try:
        item = selectors.item_detail(user, int(item_id))
    except (TypeError, ValueError):
        item = None
    if item is None:
        raise not_found()
    return item


def reply_letter(user, item_id, reply_id):
    """The reply as this reader may see it (ReplyView: contact phone blanked where the rule says)."""
    item = _detail(user, item_id)
    actor = actor_for(user)
    view = item_view(actor, item)
    shown = next((r for r in view.replies if str(r.pk) == str(reply_id)), None)
    if shown is None or shown.state not in LETTER_STATES or not _in_audience(actor, item, sent=shown.state == Reply.State.SENT):
        raise not_found()
    return shown


def closure_report(user, item_id, report_id):
    item = _detail(user, item_id)
    actor = actor_for(user)
    shown = next((c for c in item_view(actor, item).closure_reports if str(c.pk) == str(report_id)), None)
    if shown is None or shown.state != ClosureReport.State.APPROVED or not _in_audience(actor, item, sent=True):
        raise not_found()
    return shown


def papers_of_item(user, view) -> dict:
    """The documents the item page links to for this reader: no query (the page's item is prefetched)."""
    actor = actor_for(user)
    item = view.item
    notices = [a for a in view.assignments if a.active and may_see_notice(actor, a)]
    replies = [r for r in view.replies if r.state in LETTER_STATES and _in_audience(actor, item, sent=r.state == Reply.State.SENT)]
    closures = [c for c in view.closure_reports if c.state == ClosureReport.State.APPROVED and _in_audience(actor, item, sent=True)]
    return {"notices": notices, "replies": replies, "closures": closures}
