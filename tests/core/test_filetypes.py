"""Uploaded evidence files are judged by content. Real small files built in tmp_path."""

import struct
import unicodedata
import zipfile
import zlib

import pytest
from hypothesis import given
from hypothesis import strategies as st

from fazhi.core import filetypes
from fazhi.core.errors import RuleError
from fazhi.core.filetypes import (
    UploadRejected,
    check_upload,
    extension_of,
    format_size,
    safe_display_name,
    sniff,
)

MB = 1 << 20


def _png() -> bytes:
    """A real 1x1 PNG."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    ihdr = struct.pack(">IIBBBBB", 1, 1, 8, 2, 0, 0, 0)
    idat = zlib.compress(b"\x00\xff\x00\x00")
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", ihdr) + chunk(b"IDAT", idat) + chunk(b"IEND", b"")


PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00\xff\xd9"


def _ole(*stream_names: str) -> bytes:
    """An OLE2 header sector followed by a directory sector naming the streams."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    entries = b""
    for name in ("Root Entry", *stream_names):
        raw = name.encode("utf-16-le") + b"\x00\x00"
        entries += raw.ljust(64, b"\x00") + struct.pack("<HB", len(raw), 2).ljust(64, b"\x00")
    return header + entries.ljust(512, b"\x00")


def _zip(path, members: dict[str, bytes]):
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zf:
        for name, data in members.items():
            zf.writestr(name, data)
    return path


DOCX = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "word/document.xml": b"<w:document/>",
}
XLSX = {
    "[Content_Types].xml": b"<Types/>",
    "_rels/.rels": b"<Relationships/>",
    "xl/workbook.xml": b"<workbook/>",
}
OFD = {"OFD.xml": b"<ofd:OFD/>", "Doc_0/Document.xml": b"<ofd:Document/>"}


@pytest.fixture
def put(tmp_path):
    def write(name: str, data: bytes):
        p = tmp_path / name
        p.write_bytes(data)
        return p

    return write


# --- sniff ---------------------------------------------------------------


def test_sniff_simple_magic(put):
    assert sniff(put("a.bin", PDF)) == "pdf"
    assert sniff(put("b.bin", _png())) == "png"
    assert sniff(put("c.bin", JPEG)) == "jpg"
    assert sniff(put("d.bin", b"MZ\x90\x00 not a document")) is None
    assert sniff(put("e.bin", b"")) is None
    assert sniff(put("f.bin", b"<html><script>")) is None


def test_sniff_ole_kinds(put):
    assert sniff(put("w", _ole("WordDocument", "1Table"))) == "ole-doc"
    assert sniff(put("x", _ole("Workbook"))) == "ole-xls"
    assert sniff(put("x5", _ole("Book"))) == "ole-xls"  # Excel 5/95
    assert sniff(put("o", _ole("PowerPoint Document"))) == "ole"
    # A Word file embedding an Excel chart holds both names: kind not told.
    assert sniff(put("both", _ole("WordDocument", "Workbook"))) == "ole"


def test_sniff_ole_name_across_read_boundary(put, monkeypatch):
    monkeypatch.setattr(filetypes, "_CHUNK", 16)
    data = _ole() + b"\x00" * 5 + "WordDocument".encode("utf-16-le")
    assert sniff(put("w", data)) == "ole-doc"


def test_sniff_zip_family(tmp_path):
    assert sniff(_zip(tmp_path / "a", DOCX)) == "docx"
    assert sniff(_zip(tmp_path / "b", XLSX)) == "xlsx"
    assert sniff(_zip(tmp_path / "c", OFD)) == "ofd"
    assert sniff(_zip(tmp_path / "d", {"ofd.XML": b"<x/>"})) == "ofd"
    assert sniff(_zip(tmp_path / "e", {"scan/page1.jpg": JPEG})) == "zip"
    # OFD.xml must be at the root, not in a folder.
    assert sniff(_zip(tmp_path / "f", {"sub/OFD.xml": b"<x/>"})) == "zip"
    assert sniff(_zip(tmp_path / "g", {})) == "zip"  # empty archive: PK\x05\x06


def test_sniff_corrupt_zip(put, tmp_path):
    assert sniff(put("bad", b"PK\x03\x04" + b"\x00" * 100)) is None
    good = _zip(tmp_path / "g", DOCX).read_bytes()
    assert sniff(put("cut", good[: len(good) // 2])) is None


@given(st.binary(max_size=200))
def test_sniff_never_raises_on_zip_garbage(tmp_path_factory, tail):
    p = tmp_path_factory.mktemp("z") / "f"
    p.write_bytes(b"PK\x05\x06" + tail)
    assert sniff(p) in {None, "zip", "docx", "xlsx", "ofd"}


# --- check_upload --------------------------------------------------------


@pytest.mark.parametrize(
    "name, data, expected",
    [
        ("报告.pdf", PDF, "pdf"),
        ("照片.PNG", _png(), "png"),
        ("照片.jpeg", JPEG, "jpg"),
        ("照片.JPG", JPEG, "jpg"),
        ("旧文档.doc", _ole("WordDocument"), "doc"),
        ("旧文档.doc", _ole("Unknown"), "doc"),
        ("旧表格.xls", _ole("Workbook"), "xls"),
        ("旧表格.xls", _ole("WordDocument", "Workbook"), "xls"),
    ],
)
def test_check_upload_accepts(put, name, data, expected):
    assert check_upload(put("upload", data), name, len(data), 50 * MB) == expected


def test_check_upload_zip_family(tmp_path):
    docx = _zip(tmp_path / "a", DOCX)
    assert check_upload(docx, "方案.docx", docx.stat().st_size, 50 * MB) == "docx"
    assert check_upload(docx, "材料.zip", docx.stat().st_size, 50 * MB) == "zip"
    xlsx = _zip(tmp_path / "b", XLSX)
    assert check_upload(xlsx, "台账.xlsx", xlsx.stat().st_size, 50 * MB) == "xlsx"
    ofd = _zip(tmp_path / "c", OFD)
    assert check_upload(ofd, "公文.ofd", ofd.stat().st_size, 50 * MB) == "ofd"
    assert check_upload(ofd, "公文.zip", ofd.stat().st_size, 50 * MB) == "zip"


def _rejected(path, name, size=None, max_bytes=50 * MB) -> str:
    size = path.stat().st_size if size is None else size
    with pytest.raises(UploadRejected) as info:
        check_upload(path, name, size, max_bytes)
    err = info.value
    assert isinstance(err, ValueError) and isinstance(err, RuleError)
    assert err.field == "file"
    return err.message


def test_renamed_png_as_pdf(put):
    msg = _rejected(put("u", _png()), "伪装.pdf")
    assert msg == "文件内容与扩展名不符：扩展名为 .pdf，内容识别为 PNG 图片"


def test_empty_file(put):
    assert _rejected(put("u", b""), "空.pdf") == "文件为空，请选择有内容的文件"


def test_too_big(put):
    p = put("u", PDF)
    assert _rejected(p, "大.pdf", size=int(63.2 * MB), max_bytes=50 * MB) == (
        "文件大小 63.2 MB 超过上限 50 MB"
    )
    assert _rejected(p, "大.pdf", max_bytes=10) == f"文件大小 {len(PDF)} B 超过上限 10 B"
    # One byte over never reads as "50 MB 超过上限 50 MB".
    assert _rejected(p, "大.pdf", size=50 * MB + 1) == "文件大小 50.1 MB 超过上限 50 MB"


def test_format_size():
    assert format_size(50 * MB) == "50 MB"
    assert format_size(1536) == "1.5 KB"
    assert format_size(3 << 30) == "3 GB"
    assert format_size(999) == "999 B"


def test_unsupported_extensions(put):
    p = put("u", b"MZ\x90\x00")
    assert _rejected(p, "setup.exe") == (
        "不支持的文件类型 .exe，仅支持 pdf、ofd、doc、docx、xls、xlsx、jpg、png、zip"
    )
    assert "（无扩展名）" in _rejected(p, "README")
    assert "（无扩展名）" in _rejected(p, "报告.pdf.")
    assert ".html" in _rejected(p, "a.pdf.html")
    # The extension comes from the last path part only.
    assert "（无扩展名）" in _rejected(p, "dir.pdf/evil")


def test_corrupt_zip_named_docx(put):
    msg = _rejected(put("u", b"PK\x03\x04broken"), "方案.docx")
    assert msg == "文件内容与扩展名不符：扩展名为 .docx，内容识别为 无法识别"


def test_mismatches_within_families(tmp_path, put):
    docx = _zip(tmp_path / "a", DOCX)
    assert "Word 文档（docx）" in _rejected(docx, "表.xlsx")
    assert "ZIP 压缩包" in _rejected(_zip(tmp_path / "b", {"a.txt": b"x"}), "文.docx")
    assert "Word 文档（docx）" in _rejected(docx, "旧.doc")  # .doc is OLE only
    assert "Word 97-2003 文档" in _rejected(put("w", _ole("WordDocument")), "表.xls")
    assert "Excel 97-2003 工作簿" in _rejected(put("x", _ole("Workbook")), "文.doc")
    assert "OFD 版式文档" in _rejected(_zip(tmp_path / "c", OFD), "x.pdf")
    assert "JPEG 图片" in _rejected(put("j", JPEG), "x.png")


# --- names ---------------------------------------------------------------


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("报告.pdf", "报告.pdf"),
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\张三\\Desktop\\材料.docx", "材料.docx"),
        ("a/b\\c.pdf", "c.pdf"),
        ("  报告 .pdf  ", "报告 .pdf"),
        ("bad\x00name\x1f\x7f\x85.pdf", "badname.pdf"),
        ("line\r\nbreak.pdf", "linebreak.pdf"),
        ("invoice\u202efdp.exe", "invoicefdp.exe"),
        ("", "未命名文件"),
        ("   ", "未命名文件"),
        ("\x00\x01", "未命名文件"),
        ("dir/", "未命名文件"),
        ("..", "未命名文件"),
        ("a/..", "未命名文件"),
    ],
)
def test_safe_display_name(raw, expected):
    assert safe_display_name(raw) == expected


def test_long_name_keeps_extension():
    name = safe_display_name("很" * 500 + ".docx")
    assert len(name) == 200 and name.endswith("很.docx")
    assert safe_display_name("x" * 300) == "x" * 200
    # An "extension" as long as the cap cannot be kept.
    assert safe_display_name("a." + "b" * 300) == "a." + "b" * 198


def test_extension_of():
    assert extension_of("报告.PDF") == "pdf"
    assert extension_of("a.tar.GZ") == "gz"
    assert extension_of("README") == ""
    assert extension_of("../x.Docx ") == "docx"
    assert extension_of("v1.2/README") == ""


@given(st.text())
def test_safe_display_name_properties(raw):
    name = safe_display_name(raw)
    assert name and name.strip()
    assert len(name) <= 200
    assert "/" not in name and "\\" not in name
    assert not any(unicodedata.category(c) == "Cc" for c in name)
    assert safe_display_name(name) == name  # stable: cleaning twice changes nothing


@given(
    st.text(alphabet=st.characters(codec="utf-8"), max_size=300), st.sampled_from(["pdf", "docx"])
)
def test_long_names_keep_allowed_extension(stem, ext):
    raw = stem.replace("/", "").replace("\\", "").strip() + "." + ext
    if raw.startswith("."):
        raw = "x" + raw
    assert extension_of(raw) == ext
