"""Stored files sent by the proxy after Banli checked access (issue 16.1, banli.downloads).

With BANLI_SENDFILE=nginx the answer to a reader who may read the file is empty, with
X-Accel-Redirect naming the file under nginx's internal /protected/ location (which maps onto
MEDIA_ROOT); a reader who may not gets the same 404 as for a missing file and no such header, so
nginx has nothing to send. A path that would leave MEDIA_ROOT is never named. Without the setting
the app streams the bytes as before. The real nginx sending these is tested in test_stack_smoke.py."""

import datetime
import os
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from banli.assessment import actions as assessment_actions
from banli.proposals import actions
from banli.proposals.models import Attachment
from tests.assessment.world import build_assessment_world
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
NAME = "现场照片 说明#1.pdf"  # Chinese, a space and a '#': each must survive the header and the URL


@pytest.fixture
def attachment(world, member):
    item = make_item(world, state="handling")
    return actions.add_attachment(member, item.pk, file=SimpleUploadedFile(NAME, PDF, content_type="application/pdf"))


def web_url(att):
    return f"/items/{att.item_id}/files/{att.pk}/"


def api_url(att):
    return f"/api/items/{att.item_id}/attachments/{att.pk}/"


def stored_file(settings, response) -> Path:
    """The file nginx would send for this answer: /protected/<path> under MEDIA_ROOT."""
    target = response["X-Accel-Redirect"]
    assert target.startswith("/protected/")
    return Path(settings.MEDIA_ROOT) / unquote(target.removeprefix("/protected/"))


@pytest.mark.parametrize("url", [web_url, api_url], ids=["page", "api"])
def test_nginx_mode_names_the_stored_file_and_sends_no_bytes(settings, world, attachment, url):
    settings.BANLI_SENDFILE = "nginx"
    r = login(world.lead_liaison).get(url(attachment))
    assert r.status_code == 200
    assert r.content == b""
    assert r["Content-Type"] == "application/pdf"
    # RFC 6266: the Chinese name in filename*, percent-encoded UTF-8, as FileResponse writes it.
    assert r["Content-Disposition"] == "attachment; filename*=utf-8''%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87%20%E8%AF%B4%E6%98%8E%231.pdf"
    # The stored name (the storage made it safe: 现场照片_说明1.pdf), percent-encoded for nginx, which decodes it.
    assert attachment.file.name == f"attachments/{attachment.item_id}/现场照片_说明1.pdf"
    assert r["X-Accel-Redirect"] == f"/protected/attachments/{attachment.item_id}/%E7%8E%B0%E5%9C%BA%E7%85%A7%E7%89%87_%E8%AF%B4%E6%98%8E1.pdf"
    assert stored_file(settings, r).read_bytes() == PDF
    assert stored_file(settings, r) == Path(attachment.file.path)


@pytest.mark.parametrize("url", [web_url, api_url], ids=["page", "api"])
def test_a_reader_who_may_not_read_gets_404_and_no_header(settings, world, attachment, url):
    settings.BANLI_SENDFILE = "nginx"
    for persona in ("outsider_liaison", "other_member", "other_leader"):
        r = login(getattr(world, persona)).get(url(attachment))
        assert r.status_code == 404, persona
        assert "X-Accel-Redirect" not in r, persona
        assert b"%PDF" not in r.content
    # An attachment id of another item under this item's address: not found either.
    other = make_item(world, state="handling")
    r = login(world.member).get(f"/items/{other.pk}/files/{attachment.pk}/")
    assert r.status_code == 404 and "X-Accel-Redirect" not in r


def test_not_logged_in_is_sent_to_the_login_page_without_the_header(settings, client, attachment):
    settings.BANLI_SENDFILE = "nginx"
    r = client.get(web_url(attachment))
    assert r.status_code == 302 and r["Location"].startswith("/login/")
    assert "X-Accel-Redirect" not in r


def test_a_name_that_leaves_media_root_is_not_found(settings, world, attachment, tmp_path):
    """A file name written into the database by hand (or a restored old backup) that climbs out of
    MEDIA_ROOT, or a link inside it that points out: 404, never a path for nginx to open."""
    settings.BANLI_SENDFILE = "nginx"
    secret = tmp_path / "secret.txt"
    secret.write_bytes(b"not for readers")
    Attachment.objects.filter(pk=attachment.pk).update(file="../secret.txt")
    r = login(world.member).get(web_url(attachment))
    assert r.status_code == 404 and "X-Accel-Redirect" not in r

    link = Path(settings.MEDIA_ROOT) / "attachments" / "link.pdf"
    os.symlink(secret, link)
    Attachment.objects.filter(pk=attachment.pk).update(file="attachments/link.pdf")
    r = login(world.member).get(web_url(attachment))
    assert r.status_code == 404 and "X-Accel-Redirect" not in r


def test_by_default_the_app_streams_the_bytes(settings, world, attachment):
    assert settings.BANLI_SENDFILE == ""
    for url in (web_url, api_url):
        r = login(world.member).get(url(attachment))
        assert r.status_code == 200 and "X-Accel-Redirect" not in r
        assert b"".join(r.streaming_content) == PDF
        assert r["Content-Type"] == "application/pdf"
        assert r["Content-Disposition"].startswith("attachment; filename*=utf-8''%E7%8E%B0")


def test_a_self_assessment_file_goes_through_the_proxy_too(settings, world):
    settings.BANLI_SENDFILE = "nginx"
    aw = build_assessment_world(world)
    assessment_actions.create_scheme(world.gov_office, aw.year, preset="weighted")
    assessment_actions.update_scheme(world.gov_office, aw.year, self_assessment_due=timezone.localdate() + datetime.timedelta(days=30))
    s = assessment_actions.submit_self_assessment(world.lead_liaison, aw.year, unit_id=world.lead_unit.pk, text="自评",
                                                  files=[SimpleUploadedFile("自评.pdf", PDF)])
    f = s.files.get()
    for prefix in ("", "/api"):
        href = f"{prefix}/assessment/{aw.year}/units/{world.lead_unit.pk}/files/{f.pk}/"
        r = login(world.gov_office).get(href)
        assert r.status_code == 200 and r.content == b"", href
        assert stored_file(settings, r).read_bytes() == PDF
        refused = login(world.co_liaison).get(href)
        assert refused.status_code == 404 and "X-Accel-Redirect" not in refused, href


def test_no_view_opens_a_stored_file_itself():
    """Every view that answers with a stored file goes through banli.downloads (else it would
    stream the file past the proxy, holding a worker)."""
    src = Path(__file__).resolve().parents[2] / "src" / "banli"
    offenders = [str(p.relative_to(src)) for folder in ("web", "api") for p in (src / folder).rglob("*.py")
                 if ".file.open(" in p.read_text()]
    assert offenders == []
