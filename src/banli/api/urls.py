from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import views
from . import notify_views as nv
from .calendar_views import CalendarWarningsView
from .org_views import LeaderListView

router = DefaultRouter()
router.register("items", views.ItemViewSet, basename="item")
router.register("units", views.UnitViewSet, basename="unit")
router.register("categories", views.CategoryViewSet, basename="category")
router.register("sessions", views.SessionViewSet, basename="session")
router.register("reply-types", views.ReplyTypeViewSet, basename="reply-type")
router.register("grades", views.GradeViewSet, basename="grade")
router.register("questions", views.QuestionViewSet, basename="question")
router.register("notifications", views.NotificationViewSet, basename="notification")

urlpatterns = [
    path("schema/", SpectacularAPIView.as_view(), name="schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="schema"), name="docs"),
    path("token/", obtain_auth_token, name="token"),
    path("me/", views.MeView.as_view(), name="me"),
    path("people/", views.PeopleSearchView.as_view(), name="people"),
    path("leaders/", LeaderListView.as_view(), name="leaders"),
    path("items/<int:item_id>/actions/", views.ActionsAvailableView.as_view(), name="item-actions"),
]
urlpatterns += [path(f"items/<int:item_id>/actions/{name}/", view, name=f"item-{name}") for name, view in views.action_views().items()]
urlpatterns += router.urls
urlpatterns.append(path("calendar/warnings/", CalendarWarningsView.as_view(), name="calendar-warnings"))
# The inbox beyond the list: unread count, mark read, each person's own channel choice.
urlpatterns += [
    path("notifications/unread/", nv.UnreadCountView.as_view(), name="notification-unread"),
    path("notifications/read-all/", nv.MarkAllReadView.as_view(), name="notification-read-all"),
    path("notifications/<int:notification_id>/read/", nv.MarkReadView.as_view(), name="notification-read"),
    path("notifications/preferences/", nv.PreferenceView.as_view(), name="notification-preferences"),
]

# Supervision: open milestones (late first) and the permanent overdue records.
from rest_framework.routers import SimpleRouter  # noqa: E402

from . import deadline_views as dv  # noqa: E402

supervision = SimpleRouter()
supervision.register("deadlines", dv.DeadlineViewSet, basename="deadline")
supervision.register("overdue-events", dv.OverdueEventViewSet, basename="overdue-event")
urlpatterns += supervision.urls

from .report_views import DossierExportView, ReportJobView, UnitTableView, YearlyFiguresView  # noqa: E402

urlpatterns += [
    path("reports/yearly/", YearlyFiguresView.as_view(), name="report-yearly"),
    path("reports/units/", UnitTableView.as_view(), name="report-units"),
    path("reports/dossiers/", DossierExportView.as_view(), name="report-dossiers"),
    path("reports/jobs/<int:job_id>/", ReportJobView.as_view(), name="report-job"),
]
