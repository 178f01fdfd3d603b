"""Issue 15 (4): an oversized body is refused early with 413 and a clear message, before it is
read, and nothing is written. The Content-Length alone decides (the middleware reads headers only);
a multipart body whose length is not declared is stopped by the upload handler at the same limit.
The socket-level proof against a real server is in test_body_limit_live.py."""

import io
import json

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.handlers.exception import convert_exception_to_response
from django.http import HttpResponse
from django.test import RequestFactory
from django.test.client import BOUNDARY, MULTIPART_CONTENT, encode_multipart

from banli.body_limit import BodyLimitMiddleware, TooLarge
from banli.proposals.models import Attachment, Message
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n" + b"0" * 1000


class Unread(io.BytesIO):
    """A request body that records how much of it was read."""

    def __init__(self, data):
        super().__init__(data)
        self.taken = 0

    def read(self, n=-1):
        chunk = super().read(n)
        self.taken += len(chunk)
        return chunk

    def readline(self, n=-1):
        line = super().readline(n)
        self.taken += len(line)
        return line


def _post_declared(client, path, content_type, length, body=b"x" * 100):
    """A request that declares `length` bytes and carries a little: the body must not be read."""
    stream = Unread(body)
    r = client.generic("POST", path, b"", CONTENT_TYPE=content_type, CONTENT_LENGTH=str(length), **{"wsgi.input": stream})
    return r, stream


def test_a_200_mb_upload_is_refused_with_413_before_its_body_is_read(world, member):
    item = make_item(world, "handling", co=False)
    r, stream = _post_declared(login(member), f"/api/items/{item.pk}/actions/add_attachment/",
                               f"multipart/form-data; boundary={BOUNDARY}", 200 * 1024 * 1024)
    assert r.status_code == 413
    body = r.json()
    assert body["code"] == "too_large" and "提交的内容过大（最多 50 MB）" in body["message_zh"]
    assert stream.taken == 0
    assert not Attachment.objects.exists()


def test_a_page_upload_over_the_limit_gets_a_page_in_chinese(world, member):
    item = make_item(world, "handling", co=False)
    r, stream = _post_declared(login(member), f"/items/{item.pk}/do/add_attachment/",
                               f"multipart/form-data; boundary={BOUNDARY}", 60 * 1024 * 1024)
    assert r.status_code == 413 and stream.taken == 0
    html = r.content.decode()
    assert "提交的内容过大（最多 50 MB），未予接收。" in html and 'role="alert"' in html
    assert not Attachment.objects.exists()


@pytest.mark.parametrize("content_type", ["application/json", "application/x-www-form-urlencoded", "text/plain"])
def test_a_form_or_json_body_over_one_megabyte_is_refused(world, member, content_type):
    item = make_item(world, "handling", co=False)
    before = Message.objects.count()
    r, stream = _post_declared(login(member), f"/api/items/{item.pk}/actions/post_message/", content_type, 2 * 1024 * 1024)
    assert r.status_code == 413 and "最多 1 MB" in r.json()["message_zh"] and stream.taken == 0
    assert Message.objects.count() == before


def test_a_body_within_the_limits_is_read_as_usual(world, member):
    item = make_item(world, "handling", co=False)
    r = login(member).post(f"/api/items/{item.pk}/actions/add_attachment/", {"file": SimpleUploadedFile("报告.pdf", PDF)})
    assert r.status_code == 200 and Attachment.objects.filter(item=item).count() == 1


def test_the_limits_are_settings(world, member, settings):
    settings.BANLI_BODY_MAX_BYTES = 500
    item = make_item(world, "handling", co=False)
    r = login(member).post(f"/api/items/{item.pk}/actions/add_attachment/", {"file": SimpleUploadedFile("报告.pdf", PDF)})
    assert r.status_code == 413 and not Attachment.objects.exists()


def test_an_undeclared_length_is_stopped_by_the_upload_handler_at_the_limit(settings):
    """A multipart body the middleware cannot judge by its headers (behind a server that passes on
    a body of undeclared length) is read no further than the limit: the upload handler stops
    Django's parser; the middleware answers the same 413; no view runs on part of the data."""
    settings.BANLI_BODY_MAX_BYTES = 200_000
    data = encode_multipart(BOUNDARY, {"file": SimpleUploadedFile("报告.pdf", b"%PDF-1.4\n" + b"0" * 5_000_000)})

    def request():
        stream = Unread(data)
        return RequestFactory().generic("POST", "/api/items/1/actions/add_attachment/", b"", CONTENT_TYPE=MULTIPART_CONTENT,
                                        CONTENT_LENGTH=str(len(data)), **{"wsgi.input": stream}), stream

    r, stream = request()
    with pytest.raises(TooLarge):
        r.FILES  # noqa: B018 (the parse is the test)
    assert stream.taken < 200_000 + 2 * 64 * 1024  # the limit and a chunk or two of Django's reads, not 5 MB

    ran = []

    def view(req):
        req.FILES  # noqa: B018
        ran.append(req)
        return HttpResponse("kept")

    # The middleware judges by Content-Length; here the header claims 1,000 bytes while the body
    # holds 5 MB, handed whole to Django as an ASGI server hands it (no WSGI LimitedStream).
    r, stream = request()
    r.META["CONTENT_LENGTH"] = "1000"
    r._stream = stream
    answer = BodyLimitMiddleware(convert_exception_to_response(view))(r)
    assert answer.status_code == 413 and "提交的内容过大" in json.loads(answer.content)["message_zh"]
    assert ran == [] and stream.taken < 200_000 + 2 * 64 * 1024
