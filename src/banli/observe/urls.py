from django.urls import path

from . import views

urlpatterns = [
    path("health/live", views.live, name="health-live"),
    path("health/", views.health, name="health"),
    path("metrics", views.metrics, name="metrics"),
]
