"""Issue 15 (4), against a real server over a socket: a request that declares a 200 MB body gets
its 413 after a few kilobytes are sent, without the server waiting for (or reading) the rest.
Transactional (live_server), hence a file of its own."""

import json
import socket
import time
from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def _answer(live_server, path: str, content_type: str, declared: int, sent: bytes) -> tuple[bytes, float]:
    url = urlsplit(live_server.url)
    started = time.monotonic()
    with socket.create_connection((url.hostname, url.port), timeout=10) as s:
        head = (f"POST {path} HTTP/1.1\r\nHost: {url.hostname}:{url.port}\r\nContent-Type: {content_type}\r\n"
                f"Content-Length: {declared}\r\n\r\n").encode()
        s.sendall(head + sent)
        data = b""
        while b"\r\n\r\n" not in data:
            chunk = s.recv(65536)
            if not chunk:
                break
            data += chunk
        # The rest of the answer (its body), as far as the server has written it.
        s.settimeout(1)
        try:
            while chunk := s.recv(65536):
                data += chunk
                if data.count(b"}") and data.rstrip().endswith(b"}"):
                    break
        except TimeoutError:
            pass
    return data, time.monotonic() - started


def _message(answer: bytes) -> str:
    return json.loads(answer.split(b"\r\n\r\n", 1)[1])["message_zh"]


def test_a_real_server_answers_413_to_a_declared_200_mb_upload_at_once(live_server):
    boundary = "banliboundary"
    part = (f"--{boundary}\r\nContent-Disposition: form-data; name=\"file\"; filename=\"大文件.pdf\"\r\n"
            "Content-Type: application/pdf\r\n\r\n%PDF-1.4\n").encode() + b"0" * 16_000
    answer, seconds = _answer(live_server, "/api/items/1/actions/add_attachment/", f"multipart/form-data; boundary={boundary}",
                              200 * 1024 * 1024, part)
    status = answer.split(b"\r\n", 1)[0]
    assert b" 413 " in status, answer[:300]
    assert "提交的内容过大（最多 50 MB）" in _message(answer)
    assert seconds < 3, seconds  # 16 KB sent of 200 MB: answered without waiting for the rest


def test_a_real_server_answers_413_to_a_declared_huge_json_body(live_server):
    answer, seconds = _answer(live_server, "/api/items/", "application/json", 50 * 1024 * 1024, b'{"title": "' + b"x" * 4000)
    assert b" 413 " in answer.split(b"\r\n", 1)[0] and "最多 1 MB" in _message(answer)
    assert seconds < 3, seconds
