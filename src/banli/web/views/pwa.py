"""The installable web app ("APP"): a manifest and a service worker served from the site root,
so the worker's scope is the whole site. Everything it names is served by this installation."""

from django.http import HttpResponse, JsonResponse
from django.templatetags.static import static
from django.utils.translation import gettext as _


def manifest(request):
    return JsonResponse({
        "name": _("提案办理系统"),
        "short_name": _("提案办理"),
        "start_url": "/",
        "scope": "/",
        "display": "standalone",
        "background_color": "#f4f6f9",
        "theme_color": "#1f4e8c",
        "lang": request.LANGUAGE_CODE,
        "icons": [
            {"src": static("web/icon-192.png"), "sizes": "192x192", "type": "image/png"},
            {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png"},
            {"src": static("web/icon-512.png"), "sizes": "512x512", "type": "image/png", "purpose": "maskable"},
        ],
    }, content_type="application/manifest+json", json_dumps_params={"ensure_ascii": False})


# Static files are cached for speed on slow phones; pages never are, because a page holds one
# person's cases and a phone or office PC may be shared. Offline, a page says so plainly.
SERVICE_WORKER = """
const CACHE = "banli-static-v1";
const OFFLINE = '<!doctype html><meta charset="utf-8"><meta name="viewport" content="width=device-width">' +
  '<body style="font-family:sans-serif;padding:2em"><h1>网络未连接</h1><p>请检查网络后重试。</p><p>You are offline.</p>';
self.addEventListener("install", (e) => self.skipWaiting());
self.addEventListener("activate", (e) => e.waitUntil(self.clients.claim()));
self.addEventListener("fetch", (e) => {
  const req = e.request;
  const url = new URL(req.url);
  if (req.method !== "GET" || url.origin !== self.location.origin) return;
  if (url.pathname.startsWith("/static/")) {
    e.respondWith(caches.match(req).then((hit) => hit || fetch(req).then((res) => {
      if (res.ok) { const copy = res.clone(); caches.open(CACHE).then((c) => c.put(req, copy)); }
      return res;
    })));
  } else if (req.mode === "navigate") {
    e.respondWith(fetch(req).catch(() => new Response(OFFLINE, {headers: {"Content-Type": "text/html; charset=utf-8"}})));
  }
});
"""


def service_worker(request):
    return HttpResponse(SERVICE_WORKER, content_type="text/javascript")
