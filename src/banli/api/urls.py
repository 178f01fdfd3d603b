"""The API's addresses. Each concern's endpoints are in views/<concern>.py."""

from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter, SimpleRouter

from .views import items, notify, reference, reports, supervision, talk

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
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("token/", obtain_auth_token, name="token"),
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
