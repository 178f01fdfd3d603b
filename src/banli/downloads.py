"""Stored files (attachments, self-assessment files, dossier ZIPs) sent to a reader who may read them.

Every view that answers with a stored file calls send_stored_file() after its selector has checked
access: the check stays in Banli, only the sending moves. Behind nginx (BANLI_SENDFILE=nginx) the
answer is empty with an X-Accel-Redirect to the file under the proxy's `internal` location
/protected/ (deploy/nginx/banli.conf.template), so a gunicorn worker is not held for the minutes a
50 MB file takes to reach a slow office line; nginx never serves that location to a client asking
for it directly. Without a proxy (`make run`, the tests) the file is streamed by the app as before."""

from pathlib import Path
from urllib.parse import quote

from django.conf import settings
from django.core.exceptions import SuspiciousFileOperation
from django.http import FileResponse, HttpResponse
from django.utils.http import content_disposition_header

from banli.errors import not_found

# The nginx location that maps onto MEDIA_ROOT; the site template names the same path.
PROTECTED_PREFIX = "/protected/"


def send_stored_file(fieldfile, name: str, content_type: str, *, as_attachment: bool = True):
    """The answer for a stored file the caller has already authorised; `name` is what the reader's
    browser saves it as (Chinese names go in filename*, as FileResponse does)."""
    content_type = content_type or "application/octet-stream"
    if getattr(settings, "BANLI_SENDFILE", "") != "nginx":
        return FileResponse(fieldfile.open("rb"), as_attachment=as_attachment, filename=name, content_type=content_type)
    response = HttpResponse(content_type=content_type)
    response["Content-Disposition"] = content_disposition_header(as_attachment, name)
    response["X-Accel-Redirect"] = PROTECTED_PREFIX + quote(media_relative_path(fieldfile))
    return response


def media_relative_path(fieldfile) -> str:
    """The file's path under MEDIA_ROOT, symlinks resolved; a path that would leave MEDIA_ROOT (a
    name with `..` written into the database, a link pointing out) is "not found", never sent."""
    root = Path(settings.MEDIA_ROOT).resolve()
    try:
        path = Path(fieldfile.path).resolve()  # storage.path() refuses `..` names itself
    except (SuspiciousFileOperation, NotImplementedError):  # a `..` name; a storage without local paths
        raise not_found() from None
    if not path.is_relative_to(root) or path == root:
        raise not_found()
    return path.relative_to(root).as_posix()
