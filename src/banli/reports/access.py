"""Who reads the reports: the government office and the administrator for both assemblies, an
assembly office for its own, a district leader for both (leaders supervise the whole work).

Who exports every dossier of a session (一案一册 as one ZIP): the government office, and an
assembly office for its own assembly's sessions; the requester and the government office
download the result. The page, the API and the job itself ask these functions and nothing else."""

from django.db.models import QuerySet

from banli.errors import forbidden, not_found
from banli.org.models import Session
from banli.params import MAX_ID
from banli.proposals.access import actor_for

from .models import ReportJob


def may_read_reports(user, assembly: str | None = None) -> bool:
    a = actor_for(user)
    if a.gov_office or a.is_admin or a.district_leader:
        return True
    return bool(a.assembly_offices) and (assembly is None or assembly in a.assembly_offices)


def check_reports(user, assembly: str | None = None) -> None:
    if not may_read_reports(user, assembly):
        raise forbidden("您无权查看该统计报告。", "You may not read this report.")


def may_export_dossiers(user) -> bool:
    a = actor_for(user)
    return a.gov_office or bool(a.assembly_offices)


def check_dossier_export(user) -> None:
    if not may_export_dossiers(user):
        raise forbidden("只有区府办和提案委/代表工委可以批量导出一案一册。",
                        "Only the government office and the assembly offices may export all dossiers.")


def export_sessions(user) -> QuerySet[Session]:
    """The sessions this user may export: all for the government office, its own assembly's for
    an assembly office, none for anyone else."""
    a = actor_for(user)
    qs = Session.objects.select_related("term").order_by("-is_current", "-opens_on", "assembly")
    if a.gov_office:
        return qs
    return qs.filter(assembly__in=a.assembly_offices)


def visible_jobs(user) -> QuerySet[ReportJob]:
    """Jobs whose result this user may download: their own, and every job for the office."""
    qs = ReportJob.objects.select_related("session__term", "requested_by")
    return qs if actor_for(user).gov_office else qs.filter(requested_by=user)


def access_job(user, job_id) -> ReportJob:
    """Fetch and authorise one job: someone else's answers exactly like a missing one."""
    try:
        pk = int(job_id)
    except (TypeError, ValueError):
        pk = 0
    job = visible_jobs(user).filter(pk=pk).first() if user.is_authenticated and 1 <= pk <= MAX_ID else None
    if job is None:
        raise not_found()
    return job
