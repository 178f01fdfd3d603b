"""The smoke test of the local production stack (issue 16.1), through the proxy's port only, as a
browser and an operator would see it: `make stack-smoke` and tests/deploy/test_stack_smoke.py.

Each request carries its own X-Request-ID, so that the logs can tell who answered it: a static file
or a 413 must be in nginx's log and not in gunicorn's; an attachment must be in both, with no bytes
sent by gunicorn (X-Accel-Redirect) and the file's bytes sent by nginx."""

import json
import re
import secrets
import socket
import ssl
import time
import uuid
from pathlib import Path
from urllib.parse import unquote

import requests

MEMBER, OTHER_READER, PASSWORD = "member1", "deputy1", "banli-demo"  # demo/accounts.py
STATIC_FILE = "web/banli.css"
REPO = Path(__file__).resolve().parent.parent


class Smoke:
    def __init__(self, stack, say=print):
        self.stack, self.say = stack, say
        self.base = stack.config.base_url
        self.verify = str(stack.cert)  # the stack's own certificate, and only it, is trusted
        self.step_started = time.monotonic()

    # --- helpers -------------------------------------------------------------------------------

    def rid(self) -> str:
        return "smoke-" + uuid.uuid4().hex[:16]

    def get(self, session, path, **kw):
        rid = self.rid()
        r = session.get(self.base + path, verify=self.verify, allow_redirects=False, timeout=30,
                        headers={"X-Request-ID": rid, **kw.pop("headers", {})}, **kw)
        return r, rid

    def ok(self, what: str) -> None:
        now = time.monotonic()
        self.say(f"smoke: ok  {what} ({now - self.step_started:.2f} s)")
        self.step_started = now

    def logged(self, log: str, rid: str) -> list[str]:
        """The lines of a log (nginx-access.log, gunicorn.log) naming this request id."""
        path = self.stack.logs / log
        return [line for line in path.read_text(errors="replace").splitlines() if f"rid={rid}" in line] if path.exists() else []

    def wait_logged(self, log: str, rid: str) -> list[str]:
        # nginx and gunicorn write the access line as the answer completes: moments after we have it.
        for _ in range(50):
            if lines := self.logged(log, rid):
                return lines
            time.sleep(0.1)
        return []

    def login(self, username: str) -> requests.Session:
        s = requests.Session()
        r, _ = self.get(s, "/login/")
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.text)
        assert r.status_code == 200 and token, f"login page: {r.status_code}"
        r = s.post(self.base + "/login/", data={"username": username, "password": PASSWORD, "csrfmiddlewaretoken": token.group(1)},
                   headers={"Referer": self.base + "/login/", "X-Request-ID": self.rid()}, verify=self.verify,
                   allow_redirects=False, timeout=30)
        assert r.status_code == 302 and r.headers["Location"] == "/", f"login as {username}: {r.status_code} {r.headers.get('Location')}"
        cookie = next(c for c in s.cookies if c.name == "sessionid")
        assert cookie.secure, "the session cookie must be Secure over https"
        return s

    # --- the steps -----------------------------------------------------------------------------

    def run(self) -> None:
        self.login_page()
        self.static_file()
        member = self.login(MEMBER)
        self.ok(f"logged in as {MEMBER} (Secure session cookie)")
        item_id = self.item_page(member)
        attachment, content = self.upload(member, item_id)
        self.download(member, item_id, attachment, content)
        self.refused(self.login(OTHER_READER), item_id, attachment, content)
        self.too_large()
        self.celery_task()
        self.health()

    def login_page(self) -> None:
        r = requests.get(self.base + "/login/", verify=self.verify, allow_redirects=False, timeout=30)
        assert r.status_code == 200 and "csrfmiddlewaretoken" in r.text, f"login page over https: {r.status_code}"
        assert r.headers.get("Strict-Transport-Security", "").startswith("max-age="), "HSTS on the login page"
        # No X-Request-ID sent: nginx makes one ($request_id), Banli answers with it, nginx's log has it.
        made = r.headers.get("X-Request-ID", "")
        assert re.fullmatch(r"[0-9a-f]{32}", made) and self.wait_logged("nginx-access.log", made), f"request id {made!r}"
        plain = requests.get(f"http://127.0.0.1:{self.stack.config.http_port}/login/", allow_redirects=False, timeout=10)
        assert plain.status_code == 301 and plain.headers["Location"] == f"{self.base}/login/", "http redirects to https"
        self.ok(f"login page 200 over https with HSTS, request id {made} made by nginx; http answers 301 to https")

    def static_file(self) -> None:
        # collectstatic's manifest (BANLI_STATIC_HASHED=1) names the hashed copy of each file.
        manifest = REPO / "staticfiles" / "staticfiles.json"
        hashed = json.loads(manifest.read_text())["paths"][STATIC_FILE]
        r, rid = self.get(requests, "/static/" + hashed)
        on_disk = (manifest.parent / hashed).read_bytes()
        assert r.status_code == 200 and r.content == on_disk, f"static {hashed}: {r.status_code}"
        assert "immutable" in r.headers.get("Cache-Control", ""), r.headers.get("Cache-Control")
        assert self.wait_logged("nginx-access.log", rid) and not self.logged("gunicorn.log", rid), "served by nginx, not by the app"
        self.ok(f"static file /static/{hashed} served by nginx ({len(on_disk)} bytes, cached a year)")

    def item_page(self, session) -> int:
        r, _ = self.get(session, "/api/items/?state=handling,assigned,registered,submitted")
        assert r.status_code == 200, f"item list: {r.status_code}"
        for row in r.json()["results"]:
            detail, _ = self.get(session, f"/api/items/{row['id']}/")
            if any(a["action"] == "add_attachment" for a in detail.json()["actions"]):
                page, _ = self.get(session, f"/items/{row['id']}/")
                assert page.status_code == 200 and row["title"] in page.text, f"item page {row['id']}: {page.status_code}"
                self.ok(f"item page /items/{row['id']}/ shows its title")
                return row["id"]
        raise AssertionError(f"{MEMBER} has no item to attach a file to")

    def upload(self, session, item_id):
        content = b"%PDF-1.4\n% banli smoke " + secrets.token_hex(16).encode() + b"\ntrailer<<>>\n%%EOF\n"
        csrf = session.cookies.get("csrftoken")
        r = session.post(f"{self.base}/api/items/{item_id}/actions/add_attachment/", files={"file": ("冒烟测试 附件.pdf", content, "application/pdf")},
                         headers={"X-CSRFToken": csrf, "Referer": self.base + "/", "X-Request-ID": self.rid()}, verify=self.verify, timeout=30)
        assert r.status_code == 200, f"upload: {r.status_code} {r.text[:300]}"
        attachment = max(r.json()["attachments"], key=lambda a: a["id"])
        assert attachment["size"] == len(content)
        self.ok(f"uploaded attachment {attachment['id']} through nginx")
        return attachment, content

    def download(self, session, item_id, attachment, content) -> None:
        r, rid = self.get(session, f"/items/{item_id}/files/{attachment['id']}/")
        assert r.status_code == 200 and r.content == content, f"download: {r.status_code}, {len(r.content)} bytes"
        assert r.headers["Content-Type"] == "application/pdf", r.headers["Content-Type"]
        assert "filename*=utf-8''" in r.headers["Content-Disposition"], r.headers["Content-Disposition"]
        assert "X-Accel-Redirect" not in r.headers, "nginx consumes the header"
        app_line, proxy_line = self.wait_logged("gunicorn.log", rid), self.wait_logged("nginx-access.log", rid)
        assert app_line and re.search(r'" 200 (0|-) ', app_line[0]), f"gunicorn sent the bytes itself: {app_line}"
        assert proxy_line and f" 200 {len(content)} " in proxy_line[0], f"nginx's line: {proxy_line}"
        stored = list(self.stack.media.rglob(f"attachments/{item_id}/*"))
        assert any(p.read_bytes() == content for p in stored), "the bytes are the stored file's"
        name = unquote(r.headers["Content-Disposition"].split("''", 1)[1])
        r2, _ = self.get(requests, "/protected/" + str(next(p for p in stored if p.read_bytes() == content).relative_to(self.stack.media)))
        assert r2.status_code == 404, f"/protected/ asked directly: {r2.status_code}"
        self.ok(f"attachment '{name}' sent by nginx (X-Accel-Redirect), bytes equal the stored file; /protected/ is internal")

    def refused(self, session, item_id, attachment, content) -> None:
        r, rid = self.get(session, f"/items/{item_id}/files/{attachment['id']}/")
        assert r.status_code == 404 and content not in r.content, f"{OTHER_READER} got {r.status_code}"
        self.ok(f"{OTHER_READER} (not a reader of item {item_id}) is refused 404")

    def too_large(self) -> None:
        """Headers announcing a body one byte over the limit: nginx answers 413 before any is sent."""
        limit = int(re.search(r"client_max_body_size (\d+);", (self.stack.run_dir / "banli.conf").read_text()).group(1))
        rid = self.rid()
        head = (f"POST /api/items/ HTTP/1.1\r\nHost: 127.0.0.1:{self.stack.config.https_port}\r\nX-Request-ID: {rid}\r\n"
                f"Content-Type: multipart/form-data; boundary=x\r\nContent-Length: {limit + 1}\r\nConnection: close\r\n\r\n")
        context = ssl.create_default_context(cafile=self.verify)
        with socket.create_connection(("127.0.0.1", self.stack.config.https_port), timeout=10) as raw, \
                context.wrap_socket(raw, server_hostname="localhost") as tls:
            tls.sendall(head.encode())
            answer = _read_answer(tls)
        status = answer.split(b"\r\n", 1)[0].decode()
        assert status.startswith("HTTP/1.1 413"), status
        assert "提交的内容过大".encode() in answer, "the 413 page in Chinese"
        assert self.wait_logged("nginx-access.log", rid) and not self.logged("gunicorn.log", rid), "refused by nginx, never reached the app"
        self.ok(f"a body of {limit + 1} bytes is refused 413 by nginx (limit {limit})")

    def celery_task(self) -> None:
        from celery import Celery

        app = Celery("smoke", broker=self.stack.config.broker, backend=self.stack.config.broker)
        try:
            result = app.send_task("banli.deliver_outbox")
            value = result.get(timeout=30)
        finally:
            app.close()
        # The worker stores the result before it logs the success: the line follows moments later.
        path, done = self.stack.logs / "worker.log", f"{result.id}] succeeded"
        for _ in range(50):
            if done in path.read_text(errors="replace"):
                break
            time.sleep(0.1)
        assert done in path.read_text(errors="replace"), "the stack's worker ran it"
        self.ok(f"task banli.deliver_outbox {result.id} run by the Celery worker: {value!r}")

    def health(self) -> None:
        r, _ = self.get(requests, "/health/")
        if r.status_code == 404:
            self.ok("no /health/ endpoint in this version")
            return
        assert r.status_code == 200 and r.json()["status"] in ("ok", "warn"), f"/health/: {r.status_code} {r.text[:300]}"
        # A caller on the machine sees each check: say which warn (beat has only just started, say).
        warned = [f"{name}: {c.get('message', c['status'])}" for name, c in r.json().get("checks", {}).items()
                  if c.get("status") != "ok"]
        self.ok(f"/health/ {r.status_code} {r.json()['status']}" + (f" ({'; '.join(warned)})" if warned else ""))


def _read_answer(tls) -> bytes:
    """One HTTP answer, read to the end of its body (nginx then keeps the connection a few seconds
    to drain the body it refused: reading until it closes would wait for that)."""
    answer = b""
    while b"\r\n\r\n" not in answer and (chunk := tls.recv(65536)):
        answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    length = int(re.search(rb"(?i)content-length: *(\d+)", head).group(1))
    while len(body) < length and (chunk := tls.recv(65536)):
        body += chunk
    return head + b"\r\n\r\n" + body


def run_smoke(stack, say=print) -> None:
    started = time.monotonic()
    Smoke(stack, say).run()
    say(f"smoke: PASSED in {time.monotonic() - started:.1f} s")
