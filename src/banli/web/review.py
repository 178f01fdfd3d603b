"""The item page's forms that act on one reply (the unit leader's approval, the district leader's
阅批, the liaison's sending, the proposer's rating) carry that reply inside the form, right above
the buttons, so that whoever approves, sends or rates reads what they decide on next to the
button, on a phone too (issue 14). Approving and returning the same reply are one panel: the text
once, two buttons. These forms are the person's main task, so they come first and open.

The reply shown is the read model's (banli.proposals.reading): what this reader may see of it, the
contact phone blanked where the rule says. Nothing here queries: the page's item is prefetched."""

import re
from dataclasses import dataclass, field

from django.utils.translation import gettext_lazy as _

from .forms import Field

# The approval and its return for the same reply: one panel, the approval's form posting both.
PAIRS = {"approve_reply": "return_reply", "leader_approve_reply": "leader_return_reply"}
SENDS = "send_reply"
RATES = "give_feedback"
# In the order they open on the page: what the person came to do comes before anything else.
MAIN = ("leader_approve_reply", "approve_reply", "give_feedback", "send_reply")
# One comment for both buttons: optional to approve, required to return (the action checks it).
REVIEW_COMMENT = Field("comment", _("意见"), "textarea", rows=3, help=_("同意时可不填；退回修改须写明理由。"))
SEND_LABEL = _("预览答复函并发出")


@dataclass
class Review:
    """The reply a form acts on, as this reader sees it, with what the panel says about it."""

    reply: object  # banli.proposals.reading.ReplyView
    co_units: list = field(default_factory=list)  # a rating: the co-handling units graded with it
    approvals: list = field(default_factory=list)  # the decisions already taken on it


def dress_review_forms(forms: list, view) -> list:
    """The page's forms with the reply each review form acts on (form.extra["review"]), each pair
    of approve/return merged into one panel, and the review forms first and open. Returns the new
    list; the forms are changed in place."""
    by_pk = {r.pk: r for r in view.replies}
    for f in forms:
        reply = _target(f, view.replies, by_pk)
        if reply is not None:
            f.extra["review"] = Review(reply, co_units=[name for _, name in (f.note or [])] if f.name == RATES else [],
                                       approvals=list(reply.approvals))
    forms = _merge_pairs(forms)
    main = [f for f in forms if f.name in MAIN]
    if main:
        failed_elsewhere = any(f.error for f in forms if f.name not in MAIN)
        for f in main:
            # Open, unless the person just sent another form back with an error: that one is open then.
            f.is_open = f.is_open or not failed_elsewhere
            if f.name == SENDS:
                f.submit = SEND_LABEL
        main.sort(key=lambda f: MAIN.index(f.name))
        forms = main + [f for f in forms if f.name not in MAIN]
    return forms


def _target(form, replies, by_pk):
    if form.name == RATES:
        return by_pk.get(_int(form.hidden.get("reply_id")))
    if form.name in PAIRS or form.name in PAIRS.values() or form.name == SENDS:
        a = _int(form.hidden.get("assignment"))
        waiting = [r for r in replies if r.assignment_id == a and r.state != "sent"]
        return waiting[-1] if waiting else None
    return None


def _int(value):
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def _merge_pairs(forms: list) -> list:
    returns = {(f.name, f.hidden.get("assignment")): f for f in forms if f.name in PAIRS.values()}
    merged = set()
    for f in forms:
        back = returns.get((PAIRS.get(f.name), f.hidden.get("assignment")))
        if back is None:
            continue
        merged.add(id(back))
        # The comment of whichever of the two was sent back with an error, with what was typed.
        failed = back if back.error else f
        comment = next((b for b in failed.fields if b.spec.name == "comment"), None)
        if comment is not None:
            comment.spec = REVIEW_COMMENT
            f.fields = [comment]
        f.is_open = f.is_open or back.is_open
        f.error = f.error or back.error
        f.extra["second"] = {"name": back.name, "url": back.url, "submit": back.submit, "anchor": back.anchor,
                             "style": back.style or "", "failed": bool(back.error)}
    return [f for f in forms if id(f) not in merged]


# -- the approval record --------------------------------------------------------------------------------

# The decision words a comment may just repeat ("同意。" under 同意), in both languages.
SAME_AS = {"approved": {"同意", "approved", "approve", "agree", "agreed", "ok"},
           "returned": {"退回", "退回修改", "returned", "return"}}
PUNCT = re.compile(r"[\s。．.，,、！!；;：:]+")


def approval_comment(ap) -> str:
    """The comment of an approval when it adds something to the decision shown beside it: empty
    for "同意。" under 同意; the whole comment when it starts with the decision itself ("同意发出。"),
    which the page then shows instead of the bare decision."""
    comment = (ap.comment or "").strip()
    words = PUNCT.sub("", comment).lower()
    if not words or words in SAME_AS.get(ap.decision, set()):
        return ""
    return comment


def approval_says_decision(ap) -> bool:
    """Whether the comment opens with the decision ("同意发出。"), so the decision is not repeated."""
    words = PUNCT.sub("", ap.comment or "")
    return any(words.startswith(w) for w in SAME_AS.get(ap.decision, set()) if not w.isascii())
