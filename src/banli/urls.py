from django.contrib import admin
from django.http import HttpResponseRedirect
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("banli.api.urls")),
    # A login page for every role (the admin's login admits staff only).
    path("api-auth/", include("rest_framework.urls")),
    path("", lambda request: HttpResponseRedirect("/api/docs/")),
]
