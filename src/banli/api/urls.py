"""The API's addresses. Each concern's endpoints are in views/<concern>.py."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter, SimpleRouter

from .views import items, notify, reference, reports, supervision, talk, tokens

router = DefaultRouter()
router.register("items", items.ItemViewSet, basename="item")
router.register("units", reference.UnitViewSet, basename="unit")
router.register("categories", reference.CategoryViewSet, basename="category")
router.register("sessions", reference.SessionViewSet, basename="session")
router.register("reply-types", reference.ReplyTypeViewSet, basename="reply-type")
router.register("grades", reference.GradeViewSet, basename="grade")
router.register("questions", talk.QuestionViewSet, basename="question")
router.register("notifications", notify.NotificationViewSet, basename="notification")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    # The split view serves its script as a file (?script), so the docs need no inline script (CSP).
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="schema", template_name="api/swagger_ui.html"), name="docs"),
    # Expiring tokens, shown once; revoked by logout and by a password change (issue 15.1).
    path("token/", tokens.TokenCreateView.as_view(), name="token"),
    path("logout/", tokens.TokenLogoutView.as_view(), name="token-logout"),
    path("logoutall/", tokens.TokenLogoutAllView.as_view(), name="token-logout-all"),
    path("me/", reference.MeView.as_view(), name="me"),
    path("people/", reference.PeopleSearchView.as_view(), name="people"),
    path("leaders/", reference.LeaderListView.as_view(), name="leaders"),
    path("items/<int:item_id>/actions/", items.ActionsAvailableView.as_view(), name="item-actions"),
]
urlpatterns += [path(f"items/<int:item_id>/actions/{name}/", view, name=f"item-{name}") for name, view in items.action_views().items()]
urlpatterns += router.urls
urlpatterns.append(path("calendar/warnings/", reference.CalendarWarningsView.as_view(), name="calendar-warnings"))
# The inbox beyond the list: unread count, mark read, each person's own channel choice.
urlpatterns += [
    path("notifications/unread/", notify.UnreadCountView.as_view(), name="notification-unread"),
    path("notifications/read-all/", notify.MarkAllReadView.as_view(), name="notification-read-all"),
    path("notifications/<int:notification_id>/read/", notify.MarkReadView.as_view(), name="notification-read"),
    path("notifications/preferences/", notify.PreferenceView.as_view(), name="notification-preferences"),
]

# Supervision: open milestones (late first) and the permanent overdue records.
supervision_router = SimpleRouter()
supervision_router.register("deadlines", supervision.DeadlineViewSet, basename="deadline")
supervision_router.register("overdue-events", supervision.OverdueEventViewSet, basename="overdue-event")
urlpatterns += supervision_router.urls

urlpatterns += [
    path("reports/yearly/", reports.YearlyFiguresView.as_view(), name="report-yearly"),
    path("reports/units/", reports.UnitTableView.as_view(), name="report-units"),
    path("reports/dossiers/", reports.DossierExportView.as_view(), name="report-dossiers"),
    path("reports/jobs/<int:job_id>/", reports.ReportJobView.as_view(), name="report-job"),
]

# The year-end assessment (考核): the years, a year's table and settings, a unit's explanation, and
# one endpoint per action of banli.assessment.actions.
from .views import assessment  # noqa: E402

urlpatterns += [
    path("assessment/", assessment.SchemeListView.as_view(), name="assessment-years"),
    path("assessment/<int:year>/", assessment.TableView.as_view(), name="assessment-table"),
    path("assessment/<int:year>/units/<int:unit_id>/", assessment.UnitReportView.as_view(), name="assessment-unit"),
    path("assessment/<int:year>/units/<int:unit_id>/files/<int:file_id>/", assessment.SelfAssessmentFileView.as_view(),
         name="assessment-file"),
    path("assessment/<int:year>/recomputation/", assessment.RecomputationView.as_view(), name="assessment-recomputation"),
    path("assessment/<int:year>/indicators/", assessment.IndicatorListView.as_view(), name="assessment-indicators"),
    path("assessment/<int:year>/indicators/<int:indicator_id>/", assessment.IndicatorView.as_view(), name="assessment-indicator"),
    path("assessment/<int:year>/points/", assessment.PointsView.as_view(), name="assessment-points"),
    path("assessment/<int:year>/adjustments/", assessment.AdjustmentView.as_view(), name="assessment-adjustments"),
    path("assessment/<int:year>/entries/<int:entry_id>/withdraw/", assessment.WithdrawEntryView.as_view(), name="assessment-withdraw"),
    path("assessment/<int:year>/self-assessment/", assessment.SelfAssessmentView.as_view(), name="assessment-self"),
    path("assessment/<int:year>/finalise/", assessment.FinaliseView.as_view(), name="assessment-finalise"),
    path("assessment/<int:year>/publish/", assessment.PublishView.as_view(), name="assessment-publish"),
]

# The office's publication queue (公开审核) and its batch of decisions.
from .views import publication  # noqa: E402

urlpatterns += [
    path("publication/queue/", publication.PublicationQueueView.as_view(), name="publication-queue"),
    path("publication/decisions/", publication.PublicationDecisionsView.as_view(), name="publication-decisions"),
]

# Reply drafting: what a unit's reply form opens with, the office's reply templates, one filled in
# for an item. Saving the draft is the draft_reply action above.
from .views import drafting  # noqa: E402

urlpatterns += [
    path("items/<int:item_id>/reply-form/", drafting.ReplyFormView.as_view(), name="item-reply-form"),
    path("items/<int:item_id>/reply-templates/<int:template_id>/render/", drafting.RenderTemplateView.as_view(),
         name="item-reply-template-render"),
    path("reply-templates/", drafting.TemplateListView.as_view(), name="reply-templates"),
    path("reply-templates/placeholders/", drafting.PlaceholderListView.as_view(), name="reply-template-placeholders"),
    path("reply-templates/<int:template_id>/", drafting.TemplateView.as_view(), name="reply-template"),
]

# Bulk steps (批量办理): register, assign the same units, mark key items; one outcome per item.
from .views import bulk  # noqa: E402

urlpatterns += [
    path("items/bulk/<str:step>/", bulk.BulkView.as_view(), name="items-bulk"),
]
