from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView
from rest_framework.authtoken.views import obtain_auth_token
from rest_framework.routers import DefaultRouter

from . import views

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
    path("items/<int:item_id>/actions/", views.ActionsAvailableView.as_view(), name="item-actions"),
]
urlpatterns += [path(f"items/<int:item_id>/actions/{name}/", view, name=f"item-{name}") for name, view in views.action_views().items()]
urlpatterns += router.urls
