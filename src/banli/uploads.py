"""What an uploaded file must be, wherever it is uploaded (an item's attachments, a unit's
self-assessment, an import): an accepted type, not empty, not too large, and content that is what
its name says (issue 15.4: a .txt holding an executable and a 1 MB .docx unpacking to 1 GiB were
accepted). Each refusal names its reason in Chinese; the caller stores nothing.

- Magic: the first bytes match the extension (%PDF-, PNG, JPEG, OLE2 for .doc/.xls, ZIP for
  .docx/.xlsx). A renamed executable is refused.
- .docx/.xlsx are ZIP archives: read from the central directory only (nothing is unpacked), they
  must hold [Content_Types].xml and their main part, at most ZIP_MAX_MEMBERS members, no name that
  climbs out of the archive, at most ZIP_MAX_BYTES unpacked and a compression ratio of at most
  ZIP_MAX_RATIO (office files compress 3-10 to 1; a bomb 1000 to 1). The sizes the directory
  declares are the most any reader built on Python's zipfile (openpyxl, python-docx) will unpack:
  it stops at the declared size and fails the checksum, so a lying directory gains nothing.
- .txt is text: no NUL byte, no executable's or script's header (MZ, ELF, #!), and it decodes as
  UTF-8 or GB18030 (or UTF-16 with its byte-order mark, as Windows Notepad saves).
- Images open with Pillow as the format their name says, within IMAGE_MAX_PIXELS."""

import codecs
import zipfile
from pathlib import Path, PurePosixPath

from django.conf import settings

from banli.errors import invalid

# The first bytes of each accepted type: a renamed executable is refused.
MAGIC = {".pdf": [b"%PDF-"], ".png": [b"\x89PNG\r\n\x1a\n"], ".jpg": [b"\xff\xd8\xff"], ".jpeg": [b"\xff\xd8\xff"],
         ".docx": [b"PK\x03\x04"], ".xlsx": [b"PK\x03\x04"], ".doc": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"],
         ".xls": [b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"]}
# The part an Office Open XML file cannot be without, beside [Content_Types].xml.
MAIN_PART = {".docx": "word/document.xml", ".xlsx": "xl/workbook.xml"}
EXECUTABLE = (b"MZ", b"\x7fELF", b"#!", b"\xca\xfe\xba\xbe", b"\xcf\xfa\xed\xfe", b"\xce\xfa\xed\xfe")
IMAGE_FORMAT = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG"}


def mismatch(field: str):
    # Worded as before this module looked inside files: pages and tests know it.
    return invalid(field, "文件内容与扩展名不符。", "The file's content does not match its extension.")


def _limit(name: str, default: int) -> int:
    return getattr(settings, name, default)


def zip_max_bytes() -> int:
    return _limit("BANLI_UPLOAD_ZIP_MAX_BYTES", 100 * 1024 * 1024)


def check_upload(file, field: str = "file") -> tuple[str, str]:
    """The file's name (without any path) and its content type, or a clear refusal."""
    name = Path((file.name or "").replace("\\", "/")).name
    ext = Path(name).suffix.lower()
    allowed = settings.BANLI_UPLOAD_TYPES
    if ext not in allowed:
        raise invalid(field, f"不支持的文件类型。可上传：{'、'.join(sorted(allowed))}。", f"File type not accepted. Allowed: {', '.join(sorted(allowed))}.")
    if file.size > settings.BANLI_UPLOAD_MAX_BYTES:
        mb = settings.BANLI_UPLOAD_MAX_BYTES // (1024 * 1024)
        raise invalid(field, f"文件过大（最大{mb}MB）。", f"File too large (at most {mb} MB).")
    if file.size == 0:
        raise invalid(field, "文件为空。", "The file is empty.")
    file.seek(0)
    head = file.read(16)
    file.seek(0)
    try:
        check_content(file, head, ext, field)
    finally:
        file.seek(0)
    return name[:200], allowed[ext]


def check_content(file, head: bytes, ext: str, field: str = "file") -> None:
    if ext in MAGIC and not any(head.startswith(m) for m in MAGIC[ext]):
        raise mismatch(field)
    if ext in MAIN_PART:
        check_zip(file, ext, field)
    elif ext == ".txt":
        _check_text(file.read(), field)
    elif ext in IMAGE_FORMAT:
        _check_image(file, ext, field)


def check_zip(file, ext: str, field: str = "file") -> None:
    """An Office Open XML file (.docx, .xlsx): a sound archive, of its kind, not a bomb."""
    members = _members(file)
    if members is None:
        raise invalid(field, f"文件已损坏，无法作为 {ext} 文件读取。", f"The file is damaged and cannot be read as {ext}.")
    names = {m.filename for m in members}
    if "[Content_Types].xml" not in names or MAIN_PART[ext] not in names:
        raise mismatch(field)
    check_archive(members, field)


def check_zip_bomb(file, field: str = "file") -> None:
    """The bomb checks alone, for a reader that words its own refusal of an unreadable file (imports)."""
    members = _members(file)
    if members is not None:
        check_archive(members, field)


def _members(file):
    try:
        with zipfile.ZipFile(file) as z:
            return z.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, EOFError):
        return None


def check_archive(members, field: str = "file") -> None:
    most = _limit("BANLI_UPLOAD_ZIP_MAX_MEMBERS", 2000)
    if len(members) > most:
        raise invalid(field, f"文件内含的部件过多（{len(members)} 个，最多 {most} 个），疑为恶意文件。",
                      f"The file holds too many parts ({len(members)}, at most {most}).")
    for m in members:
        path = PurePosixPath(m.filename.replace("\\", "/"))
        if path.is_absolute() or ".." in path.parts or ":" in m.filename:
            raise invalid(field, "文件内含越出目录的路径，疑为恶意文件。", "The file holds a path that climbs out of the archive.")
    unpacked = sum(m.file_size for m in members)
    packed = max(1, sum(m.compress_size for m in members))
    limit, ratio = zip_max_bytes(), _limit("BANLI_UPLOAD_ZIP_MAX_RATIO", 100)
    if unpacked > limit:
        raise invalid(field, f"文件解压后过大（{unpacked // 1024 // 1024}MB，最多 {limit // 1024 // 1024}MB），疑为压缩炸弹。",
                      f"The file unpacks too large ({unpacked // 1024 // 1024} MB, at most {limit // 1024 // 1024} MB).")
    # A small file is let be whatever its ratio: an empty document's parts compress well and are harmless.
    if unpacked > 1024 * 1024 and unpacked / packed > ratio:
        raise invalid(field, f"文件压缩比异常（{unpacked // packed}:1，最多 {ratio}:1），疑为压缩炸弹。",
                      f"The file's compression ratio is abnormal ({unpacked // packed}:1, at most {ratio}:1).")


def _check_text(data: bytes, field: str) -> None:
    refuse = invalid(field, "文本文件（.txt）内容不是文字，可能是程序或其他文件改了扩展名。",
                     "The .txt file does not hold text: it may be a program or another file renamed.")
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        try:
            text = data.decode("utf-16")
        except UnicodeDecodeError:
            raise refuse from None
        if "\x00" in text:
            raise refuse
        return
    if data.startswith(EXECUTABLE) or b"\x00" in data:
        raise refuse
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            data.decode(encoding)
            return
        except UnicodeDecodeError:
            continue
    raise refuse


def _check_image(file, ext: str, field: str) -> None:
    from PIL import Image, UnidentifiedImageError

    most = _limit("BANLI_UPLOAD_IMAGE_MAX_PIXELS", 50_000_000)
    refuse = invalid(field, f"图片无法打开，或不是 {ext} 格式。", f"The image cannot be opened, or is not a {ext} file.")
    try:
        with Image.open(file) as img:  # reads the header only: the size is known before any pixel
            if img.format != IMAGE_FORMAT[ext]:
                raise refuse
            width, height = img.size
            if width * height > most:
                raise invalid(field, f"图片尺寸过大（{width}×{height}，最多 {most // 1_000_000} 百万像素）。",
                              f"The image is too large ({width}x{height}, at most {most // 1_000_000} megapixels).")
            img.verify()  # the whole file is a sound image, without decoding its pixels into memory
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError, Image.DecompressionBombError):
        raise refuse from None
