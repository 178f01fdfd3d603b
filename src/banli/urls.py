from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("banli.api.urls")),
    path("", lambda request: HttpResponseRedirect("/api/docs/")),
]
