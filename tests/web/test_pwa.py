"""The installable app: a manifest with icons the installation serves, and a service worker that
never keeps a page (pages hold one person's cases; phones and office PCs are shared)."""

import json
import struct

from django.contrib.staticfiles import finders


def _png_size(path) -> tuple[int, int]:
    with open(path, "rb") as f:
        head = f.read(24)
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_manifest_names_the_app_and_icons_the_installation_serves(client):
    r = client.get("/manifest.webmanifest")
    assert r.status_code == 200 and r["Content-Type"].startswith("application/manifest+json")
    m = json.loads(r.content)
    assert m["name"] == "提案办理系统" and m["start_url"] == "/" and m["display"] == "standalone"
    sizes = set()
    for icon in m["icons"]:
        assert icon["src"].startswith("/static/"), "icons come from this installation"
        path = finders.find(icon["src"].removeprefix("/static/"))
        assert path, f"{icon['src']} is not a static file"
        w, h = _png_size(path)
        assert f"{w}x{h}" == icon["sizes"]
        sizes.add(icon["sizes"])
    # What Chrome asks of an installable app.
    assert {"192x192", "512x512"} <= sizes


def test_manifest_speaks_english_when_asked(client):
    client.post("/lang/", {"language": "en", "next": "/"})
    m = json.loads(client.get("/manifest.webmanifest").content)
    assert m["lang"] == "en" and m["name"] != "提案办理系统"


def test_service_worker_caches_static_files_only(client):
    r = client.get("/sw.js")
    assert r.status_code == 200 and "javascript" in r["Content-Type"]
    body = r.content.decode()
    assert 'startsWith("/static/")' in body
    # Pages go to the network and are never put in the cache.
    assert 'req.mode === "navigate"' in body and body.count("c.put(") == 1


def test_every_page_links_the_manifest_and_loads_nothing_from_outside(client, django_user_model):
    for path in ("/login/",):
        html = client.get(path).content.decode()
        assert 'rel="manifest" href="/manifest.webmanifest"' in html
        for attr in ("src=", "href="):
            for chunk in html.split(attr)[1:]:
                url = chunk[1:].split(chunk[0], 1)[0]
                assert not url.startswith(("http://", "https://", "//")), f"outside address on {path}: {url}"
