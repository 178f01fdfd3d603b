"""The item page's help for the office in the busy weeks: the items like this one while it is
registered (to merge knowingly), and the units to assign it to, the first pre-filled as lead.
What is suggested is banli.proposals.suggestions; who sees it is the transition table's answer
(the panel shows only beside the actions the reader may take now)."""

from banli.proposals.suggestions import similar_to_item, unit_suggestions

REGISTERING = {"register", "merge", "assign"}


def suggestion_context(request, item, available: set, forms) -> dict:
    if not available & REGISTERING:
        return {}
    out = {"similar": similar_to_item(request.user, item), "can_merge": "merge" in available}
    if "assign" in available:
        units = unit_suggestions(item)
        out["unit_suggestions"] = units
        # The unit pickers of the assign form list them first, each with its reason (banli.web.widgets).
        offered = [(e.unit.pk, "；".join(e.reasons)) for e in units]
        for form in (f for f in forms if f.name == "assign"):
            for bound in form.fields:
                if bound.spec.name in ("lead", "co", "separate"):
                    bound.suggested = offered
                if bound.spec.name == "lead" and units and not form.is_open and not bound.value:
                    bound.value = str(units[0].unit.pk)
    return out
