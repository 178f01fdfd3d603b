from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("banli.api.urls")),
    # The browsable API's login (the pages have their own at /login/).
    path("api-auth/", include("rest_framework.urls")),
    path("", include("banli.web.urls")),
]
