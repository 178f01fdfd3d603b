"""The unit's reply form on the item page, beyond its fields (banli.web.forms.REPLY): it opens with
what banli.drafting.selectors.reply_form says (the saved draft, a returned draft, or in
re-handling the previous reply to revise), shows beside it the leader's return comment or the
proposer's objection, and offers the office's templates for the liaison to start from."""

from banli.drafting.selectors import FORM_FIELDS, carry_over, reply_form, templates
from banli.proposals.access import actor_for

REPLY_FORMS = ("draft_reply", "convert_reply_type")


def _template_groups(user) -> list[tuple[str, list]]:
    """The active templates grouped by reply type, in the types' order (one query)."""
    groups: dict[str, list] = {}
    for t in templates(user):
        groups.setdefault(f"{t.reply_type.code} {t.reply_type.shown_name}", []).append(t)
    return list(groups.items())


def dress_reply_forms(request, item, forms) -> None:
    """Fill the reply forms of the page (in place). A form sent back with an error, or with a
    template just filled in, keeps what was typed: only a freshly opened form takes the draft."""
    dressed = [f for f in forms if f.name in REPLY_FORMS and "assignment" in f.hidden]
    if not dressed:
        return
    actor = actor_for(request.user)
    groups = _template_groups(request.user)
    by_pk = {a.pk: a for a in item.assignments.all()}
    for f in dressed:
        state = reply_form(actor, item, by_pk[int(f.hidden["assignment"])], action=f.name)
        if not f.is_open:
            carry_over(state)
            for bound in f.fields:
                if bound.spec.name in FORM_FIELDS and state.values.get(bound.spec.name):
                    bound.value = state.values[bound.spec.name]
        f.extra["reply"] = state
        f.extra["template_groups"] = groups
        f.extra["fill_url"] = f"/items/{item.pk}/reply-template/"
