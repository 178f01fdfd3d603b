"""The item page's links to its official documents, and the list's batch print for the office:
what each reader may have is decided by banli.paper.access, from the page's own prefetched item."""

from django import template

from banli.paper.access import is_office, papers_of_item

register = template.Library()


@register.inclusion_tag("web/paper/links.html", takes_context=True)
def paper_links(context):
    view, request = context.get("view"), context.get("request")
    if view is None or request is None:
        return {"papers": None}
    papers = papers_of_item(request.user, view)
    punctuation = {k: context.get(k, d) for k, d in (("colon", "："), ("lp", "（"), ("rp", "）"))}
    return {"papers": papers if any(papers.values()) else None, "item": view.item, **punctuation}


@register.filter
def prints_notices(user) -> bool:
    return is_office(user)
