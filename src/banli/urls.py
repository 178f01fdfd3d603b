from django.contrib import admin
from django.urls import include, path

urlpatterns = [
    path("admin/", admin.site.urls),
    path("api/", include("banli.api.urls")),
    # The browsable API's login (the pages have their own at /login/).
    path("api-auth/", include("rest_framework.urls")),
    path("", include("banli.web.urls")),
]

# Under /api/ a missing path and a server error answer JSON like every other API error; pages keep HTML.
handler404 = "banli.api.errors.page_not_found"
handler500 = "banli.api.errors.server_error"
