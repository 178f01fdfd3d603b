"""The whole API against its own OpenAPI schema (等保 intrusion prevention / data integrity): a
bounded schemathesis run over every operation the schema lists, as four roles (the government
office, a unit liaison, a member, a district leader), against a small world with items in several
states. Every answer must be no server error, carry a status and a content type the schema
documents, and have a body the schema's response describes.

How it runs, and why so:
- The schema is the one the app serves (drf-spectacular's generator, in process); the requests go to
  Django's own WSGI handler in process (no network, no server): what a client at /api/ would get,
  CSRF check included, logged in by a session cookie as the web pages are.
- Transactional: each step's after-commit work (notifications, the search index) runs as in
  production, and what one request wrote is what the next reads.
- Bounded and reproducible: hypothesis is derandomized (the same examples on every run) with
  MAX_EXAMPLES per operation and role, valid inputs and invalid ones (schemathesis' negative mode:
  half the cases drawn at random), path ids drawn from the world's real rows as well as at random.
  When TIME_BUDGET is spent (an overloaded CI machine) the remaining operations are tried once per
  role rather than MAX_EXAMPLES times, and the run says which.
- Failures are collected, not shrunk: the test ends with the list of distinct failures (operation,
  check, what was wrong), one line each, so that one run shows all there is to fix.

Run alone: `.venv/bin/python -m pytest tests/api/test_schemathesis.py -q -p no:cacheprovider -s -p no:logging`
(-s prints the measurements: operations, examples, statuses, time). For a longer local run raise
the bounds: BANLI_FUZZ_EXAMPLES=25 BANLI_FUZZ_SECONDS=3000; BANLI_FUZZ_VERBOSE=1 lists each
operation's statuses.
"""

import os
import time
from collections import Counter, defaultdict

import pytest
import schemathesis
from django.conf import settings as django_settings
from django.core import signals
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.wsgi import WSGIHandler
from django.db import close_old_connections
from django.middleware.csrf import _get_new_csrf_string
from django.test import Client
from django.utils import timezone
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from banli.assessment import actions as assessment_actions
from banli.assessment.models import Entry, Indicator, Scheme, SelfAssessmentFile
from banli.deadlines.models import Deadline, OverdueEvent
from banli.drafting import actions as drafting_actions
from banli.drafting.models import ReplyTemplate
from banli.notify.models import Notification
from banli.org.models import Category, FeedbackGrade, ReplyType, Session, Unit
from banli.proposals import actions as proposal_actions
from banli.proposals import batch
from banli.proposals.models import Attachment, Question
from banli.reports.models import ReportJob
from tests.builders import make_item

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)

ROLES = ("gov_office", "lead_liaison", "member", "district_leader")
# Per operation and role: 6 x 4 roles x 113 operations is about 2,700 requests, ~45 s of CPU.
MAX_EXAMPLES = int(os.environ.get("BANLI_FUZZ_EXAMPLES", "6"))
TIME_BUDGET = float(os.environ.get("BANLI_FUZZ_SECONDS", "120"))  # with the world and teardown, within 3 minutes
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_schema_conformance]


def small_world(world):
    """Items in the states each role acts in, an attachment, an assessment year and a reply
    template, so that ids in paths reach real records."""
    states = ("draft", "submitted", "registered", "assigned", "handling", "replied", "evaluated", "rehandling", "closed")
    items = [make_item(world, state) for state in states]
    items.append(make_item(world, "handling", assembly="npc", proposer=world.deputy))
    handling = items[states.index("handling")]
    proposal_actions.add_attachment(world.member, handling.pk, file=SimpleUploadedFile("调研报告.pdf", PDF, content_type="application/pdf"))
    assessment_actions.create_scheme(world.gov_office, timezone.localdate().year, preset="weighted")
    drafting_actions.create_template(world.gov_office, reply_type="A", name="采纳", body="《{title}》已采纳。")
    return items


def session_headers(user):
    """A logged-in browser's session cookie and CSRF pair (cookie + X-CSRFToken header)."""
    client = Client()
    client.force_login(user)
    csrf = _get_new_csrf_string()
    cookies = {django_settings.SESSION_COOKIE_NAME: client.cookies[django_settings.SESSION_COOKIE_NAME].value,
               django_settings.CSRF_COOKIE_NAME: csrf}
    return cookies, {"X-CSRFToken": csrf}


def ids(model, **filters):
    return list(model.objects.filter(**filters).order_by("pk").values_list("pk", flat=True)[:6])


def id_pools(items):
    """Real values for each path parameter, by the collection the path names, beside the random
    ones schemathesis draws."""
    item_ids = [i.pk for i in items]
    years = sorted(set(Scheme.objects.values_list("year", flat=True)))
    by_collection = {
        "items": item_ids, "units": ids(Unit), "categories": ids(Category), "sessions": ids(Session),
        "reply-types": ids(ReplyType), "grades": ids(FeedbackGrade), "questions": ids(Question),
        "deadlines": ids(Deadline), "overdue-events": ids(OverdueEvent), "reply-templates": ids(ReplyTemplate),
    }
    by_name = {
        "item_id": item_ids, "unit_id": ids(Unit), "notification_id": ids(Notification), "attachment_id": ids(Attachment),
        "template_id": ids(ReplyTemplate), "year": years, "indicator_id": ids(Indicator), "entry_id": ids(Entry) or [1],
        "file_id": ids(SelfAssessmentFile) or [1], "job_id": ids(ReportJob) or [1], "step": list(batch.STEPS),
    }

    def pool(path, name):
        if name in by_name:
            return by_name[name]
        collection = path.strip("/").split("/")[1]  # /api/<collection>/{id}/
        return by_collection.get(collection)

    return pool


def strategy_for(operation, pool):
    """Valid and invalid cases; where every path parameter has real values, half the cases use them."""
    plain = st.one_of(operation.as_strategy(GenerationMode.POSITIVE), operation.as_strategy(GenerationMode.NEGATIVE))
    values = {p.name: pool(operation.path, p.name) for p in operation.path_parameters}
    if not values or not all(values.values()):
        return plain
    real = st.fixed_dictionaries({n: st.sampled_from(v) for n, v in values.items()}).flatmap(
        lambda chosen: operation.as_strategy(GenerationMode.POSITIVE, path_parameters=chosen))
    return st.one_of(real, plain)


class Run:
    def __init__(self):
        self.started = time.monotonic()
        self.examples = Counter()
        self.statuses = Counter()
        self.failures = defaultdict(set)  # (operation, check title, message head) -> roles
        self.by_status = Counter()  # (operation, status) -> examples
        self.reduced = []  # operations tried once per role only, the time budget being spent

    def left(self):
        return TIME_BUDGET - (time.monotonic() - self.started)

    def record(self, role, case, exc):
        failures = exc.exceptions if isinstance(exc, FailureGroup) else [exc]
        for f in failures:
            if isinstance(f, Failure):
                head = f.message.strip().splitlines()[0][:160] if f.message.strip() else ""
                where = getattr(f, "instance_path", None)
                if where is not None:  # which field: list positions folded, so one field is one failure
                    head += " at " + "/".join("*" if isinstance(p, int) else str(p) for p in where)
                key = (case.operation.label, f.title, head)
            else:
                key = (case.operation.label, type(f).__name__, str(f)[:160])
            self.failures[key].add(role)


@pytest.fixture
def django_app():
    """Django's WSGI handler, keeping the test's database connection between requests as the test
    client does (a request would otherwise close it when it ends)."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    try:
        yield WSGIHandler()
    finally:
        signals.request_started.connect(close_old_connections)
        signals.request_finished.connect(close_old_connections)


def test_every_operation_answers_as_its_schema_says(world, django_app):
    items = small_world(world)
    raw = SchemaGenerator().get_schema(request=None, public=True)
    schema = schemathesis.openapi.from_dict(raw)
    schema.app = django_app
    operations = [r.ok() for r in schema.get_all_operations()]
    pool = id_pools(items)
    run = Run()
    headers_by_role = {role: session_headers(getattr(world, role)) for role in ROLES}

    # Operation by operation, each as every role: a spent budget thins the same operations for all.
    for operation in operations:
        examples = MAX_EXAMPLES
        if run.left() <= 0:  # still every operation as every role, once
            run.reduced.append(operation.label)
            examples = 1
        for role in ROLES:
            cookies, headers = headers_by_role[role]

            @settings(max_examples=examples, derandomize=True, database=None, deadline=None,
                      phases=[Phase.explicit, Phase.generate], suppress_health_check=list(HealthCheck))
            @given(case=strategy_for(operation, pool))
            def fuzz(case):
                run.examples[operation.label] += 1
                try:
                    response = case.call(app=django_app, cookies=cookies, headers=headers)
                except Exception as exc:  # an exception escaping the handler is a server error too
                    run.record(role, case, exc)
                    return
                run.statuses[response.status_code] += 1
                run.by_status[(operation.label, response.status_code)] += 1
                try:
                    case.validate_response(response, checks=CHECKS, headers=headers)
                except (FailureGroup, Failure) as exc:
                    run.record(role, case, exc)

            fuzz()

    elapsed = time.monotonic() - run.started
    total = sum(run.examples.values())
    print(f"\nschemathesis: {len(operations)} operations x {len(ROLES)} roles, {total} examples, "
          f"{elapsed:.1f} s, statuses {dict(sorted(run.statuses.items()))}, "
          f"{len(run.failures)} distinct failures")
    if run.reduced:
        print(f"time budget of {TIME_BUDGET:.0f} s spent: {len(run.reduced)} operations tried once per role: {', '.join(run.reduced)}")
    if os.environ.get("BANLI_FUZZ_VERBOSE"):
        for (label, code), n in sorted(run.by_status.items()):
            print(f"  {label} {code} x{n}")
    lines = [f"{op} | {title} | {msg} | {','.join(sorted(roles))}" for (op, title, msg), roles in sorted(run.failures.items())]
    assert not lines, f"{len(lines)} distinct failures:\n" + "\n".join(lines)
