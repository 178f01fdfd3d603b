from django.contrib import admin
from django.urls import include, path, re_path
from django.views.generic import RedirectView

urlpatterns = [
    # The working-day calendar's admin moved with the calendar (deadlines -> workdays); old links still land.
    re_path(r"^admin/deadlines/(?P<rest>calendar(?:day|year)/.*)$", RedirectView.as_view(url="/admin/workdays/%(rest)s", query_string=True, permanent=True)),
    # Health and metrics for the operator's monitoring (issue 16.2).
    path("", include("banli.observe.urls")),
    path("admin/", admin.site.urls),
    path("api/", include("banli.api.urls")),
    # The browsable API's login (the pages have their own at /login/).
    path("api-auth/", include("rest_framework.urls")),
    # The public site: no login, published items only (banli.portal.rules).
    path("public/", include("banli.portal.urls")),
    path("", include("banli.web.urls")),
]

# Under /api/ a missing path and a server error answer JSON like every other API error; pages keep HTML.
handler404 = "banli.api.errors.page_not_found"
handler500 = "banli.api.errors.server_error"
