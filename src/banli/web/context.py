"""What every page's frame needs: the user's roles for the menu, the unread count, and the
wording of the user's own assembly (a member files 提案, a deputy files 建议). A few queries at
most, the same on every page."""

from django.utils import translation
from django.utils.translation import gettext as _

from banli.assessment.access import may_read as may_read_assessment
from banli.notify.selectors import unread_count
from banli.org.models import WORDING, WORDING_EN, Person
from banli.proposals.access import actor_for
from banli.reports.access import may_read_reports


def own_assembly(actor) -> str | None:
    """The one assembly the user works in, if there is exactly one (asked once per request)."""
    if not hasattr(actor, "_own_assembly"):
        actor._own_assembly = _own_assembly(actor)
    return actor._own_assembly


def _own_assembly(actor) -> str | None:
    assemblies = set(actor.assembly_offices)
    if actor.person_ids:
        assemblies |= set(Person.objects.filter(pk__in=actor.person_ids).values_list("assembly", flat=True))
    if actor.gov_office or actor.unit_ids or actor.district_leader or len(assemblies) != 1:
        return None
    return assemblies.pop()


def chrome(request):
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    actor = actor_for(user)
    assembly = own_assembly(actor)
    en = (translation.get_language() or "").startswith("en")
    my_w = (WORDING_EN if en else WORDING)[assembly] if assembly else None
    return {
        # Punctuation between data follows the language: "：、（）" in Chinese, ": , ()" in English.
        "colon": ": " if en else "：", "sep": ", " if en else "、", "lp": " (" if en else "（", "rp": ")" if en else "）",
        "actor": actor,
        "is_proposer": bool(actor.person_ids),
        "may_read_reports": may_read_reports(user),
        "may_read_assessment": may_read_assessment(actor),
        "my_w": my_w,
        "items_label": (my_w["item"].capitalize() + "s" if en else my_w["item"]) if my_w else _("提案/建议"),
        "unread_notifications": unread_count(user),
    }
