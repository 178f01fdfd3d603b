"""The item list (filters, search, sorting, pages, Excel export), the item page and the draft form."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from banli.audit.security import export_event
from banli.downloads import send_stored_file
from banli.errors import BanliError, forbidden, not_found
from banli.idempotency import keys as idempotency
from banli.paging import StaffListPaginator
from banli.org.models import Assembly, Category, ReplyType, Session
from banli.proposals import actions as A
from banli.proposals import selectors, workflow
from banli.proposals.batch import MAX_BATCH
from banli.proposals.access import access_item, actor_for
from banli.proposals.models import ItemState
from banli.search import query as search
from banli.search.query import highlight

from ..draft import DraftForm
from ..export import items_workbook
from ..item_page import page_context, wording
from ..unit_choices import unit_choices
from .bulk import bulk_steps

PAGE_SIZE = 30
SORTS = [("-id", gettext_lazy("最新")), ("number", gettext_lazy("编号")), ("-submitted_at", gettext_lazy("提交时间")),
         ("title", gettext_lazy("标题")), ("state", gettext_lazy("状态"))]


def _filters(request):
    return {
        "sessions": Session.objects.select_related("term").order_by("-opens_on", "assembly"),
        "categories": Category.objects.filter(active=True, parent__isnull=True).order_by("assembly", "position", "id"),
        "units": unit_choices(),
        "states": ItemState.choices, "assemblies": Assembly.choices,
        "reply_types": ReplyType.objects.filter(active=True),
    }


@login_required
def item_list(request):
    qs = selectors.item_list(request.user, request.GET)
    # Counted up to a thousand (banli.paging.STAFF_COUNT_CAP): past it the page says "more than".
    page = StaffListPaginator(qs, PAGE_SIZE).get_page(request.GET.get("page"))
    rows = list(page.object_list)
    q = (request.GET.get("q") or "").strip()
    if q:
        # The words found, marked in the title and in a passage of the body, as the public list shows them.
        for i in rows:
            i.marked_title = highlight(i.title, q)
            i.passage = highlight(f"{i.reason}\n{i.suggestions}".strip(), q, around=90)
    query = request.GET.copy()
    query.pop("page", None)
    sorts = [("relevance", _("相关度")), *SORTS] if q else SORTS
    return render(request, "web/items/list.html", {
        "page": page, "rows": rows, "params": request.GET, "query": query.urlencode(), "sorts": sorts, "searching": bool(q),
        "capped": bool(q) and page.paginator.count >= search.CANDIDATES,
        "ordering": request.GET.get("ordering") or ("relevance" if q else "-id"), **_filters(request),
        "bulk": bulk_steps(request.user), "bulk_max": MAX_BATCH,
    })


@login_required
def item_export(request):
    data = items_workbook(selectors.item_list(request.user, request.GET))
    export_event(request, "item_list")  # names of proposers, unpublished items (issue 15.2)
    return FileResponse(data, as_attachment=True, filename=_("提案建议列表") + ".xlsx",
                        content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")


@login_required
def item_page(request, item_id):
    item = selectors.item_detail(request.user, item_id)
    if item is None:
        raise not_found()
    ctx = page_context(request, item)
    # Opening the page is reading its messages.
    A.mark_messages_read(request.user, item, up_to=ctx["read_up_to"])
    return render(request, "web/items/detail.html", ctx)


@login_required
def attachment(request, item_id, attachment_id):
    att = selectors.item_attachment(request.user, item_id, attachment_id)
    return send_stored_file(att.file, att.name, att.content_type)


@login_required
def item_new(request):
    people = list(selectors.own_people(request.user))
    if not people:
        raise forbidden("只有委员、代表或其授权的集体账号可以提出提案/建议。", "Only members, deputies or collective accounts may file items.")
    form = DraftForm(request.POST or None, assembly=people[0].assembly)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data

        def create():
            with transaction.atomic():
                item = A.create_draft(request.user, person_id=people[0].pk, **form.draft_fields())
                if d["cosigners"]:
                    A.invite_cosigners(request.user, item.pk, person_ids=[p.pk for p in d["cosigners"]])
            return item

        try:
            # The form's hidden key (banli.idempotency): a double click or a resubmitted form saves one draft.
            outcome = idempotency.once(request.user, idempotency.form_key(request), step="create_draft", status=201,
                                       inputs={**form.draft_fields(), "cosigners": [p.pk for p in d["cosigners"]]},
                                       run=create)
        except BanliError as err:
            form.add_banli_error(err)
        else:
            if outcome.replayed:
                messages.info(request, _("此项已提交过，未重复提交。"))
            else:
                messages.success(request, _("草稿已保存。检查无误后请点击“提交”。"))
            return redirect(f"/items/{outcome.target_id}/")
    return render(request, "web/items/draft_form.html", {"form": form, "w": wording(people[0].assembly), "new": True}, status=400 if form.errors else 200)


@login_required
def item_edit(request, item_id):
    item = access_item(request.user, item_id)
    # Reading a draft (an invited co-signer may) is not editing it: ask the table first.
    workflow.check("edit_draft", actor_for(request.user), item)
    form = DraftForm(request.POST or None, assembly=item.assembly, item=item)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            with transaction.atomic():
                A.edit_draft(request.user, item.pk, **form.draft_fields())
                new = [p.pk for p in d["cosigners"] if p.pk not in form.invited_ids]
                if new:
                    A.invite_cosigners(request.user, item.pk, person_ids=new)
        except BanliError as err:
            form.add_banli_error(err)
        else:
            messages.success(request, _("草稿已保存。"))
            return redirect(f"/items/{item.pk}/")
    return render(request, "web/items/draft_form.html", {"form": form, "w": wording(item.assembly), "item": item}, status=400 if form.errors else 200)
