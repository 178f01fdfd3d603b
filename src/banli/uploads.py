"""What an uploaded file must be, wherever it is uploaded (an item's attachments, a unit's
self-assessment): an accepted type whose content matches its extension, not empty, not too large."""

from pathlib import Path

from django.conf import settings

from banli.errors import invalid

# The first bytes of each accepted type: a renamed executable is refused.
MAGIC = {".pdf": [b"%PDF"], ".png": [b"\x89PNG"], ".jpg": [b"\xff\xd8\xff"], ".jpeg": [b"\xff\xd8\xff"],
         ".docx": [b"PK\x03\x04"], ".xlsx": [b"PK\x03\x04"], ".doc": [b"\xd0\xcf\x11\xe0"], ".xls": [b"\xd0\xcf\x11\xe0"]}


def check_upload(file, field: str = "file") -> tuple[str, str]:
    """The file's name (without any path) and its content type, or a clear refusal."""
    name = Path(file.name or "").name
    ext = Path(name).suffix.lower()
    allowed = settings.BANLI_UPLOAD_TYPES
    if ext not in allowed:
        raise invalid(field, f"不支持的文件类型。可上传：{'、'.join(sorted(allowed))}。", f"File type not accepted. Allowed: {', '.join(sorted(allowed))}.")
    if file.size > settings.BANLI_UPLOAD_MAX_BYTES:
        mb = settings.BANLI_UPLOAD_MAX_BYTES // (1024 * 1024)
        raise invalid(field, f"文件过大（最大{mb}MB）。", f"File too large (at most {mb} MB).")
    if file.size == 0:
        raise invalid(field, "文件为空。", "The file is empty.")
    head = file.read(8)
    file.seek(0)
    if ext in MAGIC and not any(head.startswith(m) for m in MAGIC[ext]):
        raise invalid(field, "文件内容与扩展名不符。", "The file's content does not match its extension.")
    return name[:200], allowed[ext]
