"""Issue 15 (4): uploads are checked by their content, not their name. A .txt holding an
executable, a 1 MB .docx that unpacks to 1 GiB, an .exe renamed .pdf, an archive climbing out of
its folder, an image too large or not what its name says: each refused with a Chinese message
naming the reason, through the page and the API, and nothing stored (no row, no file). A sound
docx, xlsx, pdf, png, jpeg and txt (UTF-8 and GB18030) are accepted."""

import io
import time
import zipfile
from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from docx import Document
from openpyxl import Workbook
from PIL import Image

from banli.imports.models import ImportBatch
from banli.proposals.models import Attachment
from tests.builders import make_item
from tests.web.pages import login

pytestmark = pytest.mark.django_db

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
ELF = b"\x7fELF\x02\x01\x01\x00" + b"\x00" * 56 + b"binary"
MZ = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff" + b"\x00" * 48 + b"This program cannot be run in DOS mode."


def docx_bytes(text="关于加装电梯的调研报告") -> bytes:
    doc = Document()
    doc.add_paragraph(text)
    out = io.BytesIO()
    doc.save(out)
    return out.getvalue()


def xlsx_bytes() -> bytes:
    wb = Workbook()
    wb.active.append(["编号", "标题"])
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def image_bytes(fmt="PNG", size=(40, 30)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, (200, 30, 30)).save(out, fmt)
    return out.getvalue()


def bomb(gib=1) -> bytes:
    """An Office file (it has both a Word and an Excel main part) with one more part that unpacks
    to `gib` GiB of zeros: written streaming, about 1 MB."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=6) as z:
        z.writestr("[Content_Types].xml", '<?xml version="1.0"?><Types/>')
        z.writestr("word/document.xml", "<w:document/>")
        z.writestr("xl/workbook.xml", "<workbook/>")
        with z.open("word/media/image1.bin", "w", force_zip64=True) as part:
            chunk = b"\x00" * (1 << 20)
            for _ in range(gib * 1024):
                part.write(chunk)
    return out.getvalue()


def zip_with(names: dict) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        for name, data in names.items():
            z.writestr(name, data)
    return out.getvalue()


def stored_files() -> list[Path]:
    root = Path(settings.MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


def page_upload(user, item, name, content):
    return login(user).post(f"/items/{item.pk}/do/add_attachment/", {"file": SimpleUploadedFile(name, content, "application/octet-stream")})


def api_upload(user, item, name, content):
    return login(user).post(f"/api/items/{item.pk}/actions/add_attachment/", {"file": SimpleUploadedFile(name, content, "application/octet-stream")})


@pytest.fixture(scope="module")
def one_gib_docx() -> bytes:
    data = bomb()  # some 10 s of deflating zeros, once for the module
    assert len(data) < 2 * 1024 * 1024, len(data)  # about 1 MB on disk
    return data


REFUSED = [
    ("说明.txt", ELF, "内容不是文字"),
    ("说明.txt", MZ, "内容不是文字"),
    ("说明.txt", b"#!/bin/sh\nrm -rf /\n", "内容不是文字"),
    ("说明.txt", "正文".encode() + b"\x00\x00", "内容不是文字"),
    ("说明.txt", b"\x80\xff" * 20, "内容不是文字"),
    ("报告.pdf", MZ, "文件内容与扩展名不符"),
    ("报告.docx", MZ, "文件内容与扩展名不符"),
    ("报告.docx", zip_with({"a.txt": "不是文档"}), "文件内容与扩展名不符"),
    ("报告.docx", zip_with({"[Content_Types].xml": "<Types/>", "word/document.xml": "<w/>", "../../etc/cron.d/x": "x"}), "越出目录"),
    ("报告.docx", b"PK\x03\x04" + b"\x00" * 100, "文件已损坏"),
    ("照片.jpg", image_bytes("PNG"), "文件内容与扩展名不符"),
    ("照片.png", b"\x89PNG\r\n\x1a\n" + b"\x00" * 50, "图片无法打开"),
]


@pytest.mark.parametrize("door", [page_upload, api_upload], ids=["page", "api"])
@pytest.mark.parametrize("name,content,reason", REFUSED, ids=[f"{n}:{r}:{i}" for i, (n, _, r) in enumerate(REFUSED)])
def test_a_file_that_is_not_what_its_name_says_is_refused_and_nothing_stored(world, member, door, name, content, reason):
    item = make_item(world, "handling", co=False)
    files = stored_files()
    r = door(member, item, name, content)
    assert r.status_code == 400
    assert reason in r.content.decode()
    assert not Attachment.objects.filter(item=item).exists()
    assert stored_files() == files


@pytest.mark.parametrize("door", [page_upload, api_upload], ids=["page", "api"])
def test_a_one_megabyte_docx_that_unpacks_to_a_gibibyte_is_refused(world, member, door, one_gib_docx):
    item = make_item(world, "handling", co=False)
    started = time.monotonic()
    r = door(member, item, "调研报告.docx", one_gib_docx)
    assert time.monotonic() - started < 2  # judged from the archive's directory: nothing is unpacked
    assert r.status_code == 400 and "疑为压缩炸弹" in r.content.decode()
    assert not Attachment.objects.filter(item=item).exists() and stored_files() == []


def test_a_high_ratio_under_the_size_limit_is_refused_too(world, member, settings, one_gib_docx):
    settings.BANLI_UPLOAD_ZIP_MAX_BYTES = 2 * 1024**3  # the size alone would let it through
    item = make_item(world, "handling", co=False)
    r = api_upload(member, item, "调研报告.docx", one_gib_docx)
    assert r.status_code == 400 and "压缩比异常" in r.json()["message_zh"]


def test_an_image_over_the_pixel_limit_is_refused(world, member, settings):
    settings.BANLI_UPLOAD_IMAGE_MAX_PIXELS = 1000
    item = make_item(world, "handling", co=False)
    r = api_upload(member, item, "现场.png", image_bytes("PNG", (40, 30)))
    assert r.status_code == 400 and "图片尺寸过大" in r.json()["message_zh"]
    assert not Attachment.objects.filter(item=item).exists()


def test_a_bomb_in_an_import_is_refused_before_openpyxl_unpacks_it(world, gov_office, one_gib_docx):
    r = login(gov_office).post("/imports/", {"kind": "reference", "file": SimpleUploadedFile("单位.xlsx", one_gib_docx)})
    assert r.status_code in (200, 400)
    assert "疑为压缩炸弹" in r.content.decode()
    assert not ImportBatch.objects.exists()


ACCEPTED = [
    ("调研报告.docx", docx_bytes()),
    ("数据.xlsx", xlsx_bytes()),
    ("报告.pdf", PDF),
    ("现场.png", image_bytes("PNG")),
    ("现场.jpg", image_bytes("JPEG")),
    ("说明.txt", "关于加装电梯的说明\n第一条……".encode()),
    ("说明.txt", "关于加装电梯的说明".encode("gb18030")),
    ("说明.txt", "关于加装电梯的说明".encode("utf-16")),
]


@pytest.mark.parametrize("name,content", ACCEPTED, ids=[f"{n}:{i}" for i, (n, _) in enumerate(ACCEPTED)])
def test_a_sound_file_is_accepted_and_reads_back_whole(world, member, name, content):
    item = make_item(world, "handling", co=False)
    r = api_upload(member, item, name, content)
    assert r.status_code == 200, r.content.decode()
    att = Attachment.objects.get(item=item)
    assert (att.name, att.size) == (name, len(content))
    assert b"".join(login(member).get(f"/items/{item.pk}/files/{att.pk}/").streaming_content) == content
