"""What an uploaded evidence file (佐证材料) really is, judged by its bytes, not its name.

A name is whatever the browser sent; the content decides. Reading is streamed and
bounded, since uploads can be 50 MB. Pure Python: callers pass a path on disk.
"""

from __future__ import annotations

import os
import unicodedata
import zipfile

from .errors import RuleError

ALLOWED_EXTENSIONS = ("pdf", "ofd", "doc", "docx", "xls", "xlsx", "jpg", "jpeg", "png", "zip")
# Shown to users; "jpeg" is left out because it is stored as "jpg".
_ALLOWED_TEXT = "、".join(e for e in ALLOWED_EXTENSIONS if e != "jpeg")

# Detected type -> what it is called in messages.
TYPE_LABELS = {
    "pdf": "PDF 文档",
    "png": "PNG 图片",
    "jpg": "JPEG 图片",
    "ole-doc": "Word 97-2003 文档",
    "ole-xls": "Excel 97-2003 工作簿",
    "ole": "Office 97-2003 复合文档",
    "docx": "Word 文档（docx）",
    "xlsx": "Excel 工作簿（xlsx）",
    "ofd": "OFD 版式文档",
    "zip": "ZIP 压缩包",
    None: "无法识别",
}

# Extension -> detected types it may hold. A bare "ole" (kind not told) is let
# through for .doc/.xls rather than rejecting a genuine old Office file.
_ACCEPTS = {
    "pdf": {"pdf"},
    "ofd": {"ofd"},
    "doc": {"ole-doc", "ole"},
    "xls": {"ole-xls", "ole"},
    "docx": {"docx"},
    "xlsx": {"xlsx"},
    "jpg": {"jpg"},
    "png": {"png"},
    "zip": {"zip", "docx", "xlsx", "ofd"},  # OOXML and OFD are zips too
}

FALLBACK_NAME = "未命名文件"
MAX_NAME_CHARS = 200

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
_WORD_NAMES = ("WordDocument".encode("utf-16-le"),)
_EXCEL_NAMES = ("Workbook".encode("utf-16-le"), "Book".encode("utf-16-le"))
_CHUNK = 1 << 20
# Bidi overrides/isolates and marks can make "x\u202efdp.exe" display as "xexe.pdf";
# line/paragraph separators break one-line display and headers.
_INVISIBLE = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069\u2028\u2029"
)


class UploadRejected(RuleError):
    """The upload is refused. Always about the `file` field; `message` is for the user."""

    def __init__(self, message: str):
        super().__init__("file", message)


def sniff(path: str | os.PathLike) -> str | None:
    """The type the content shows (see TYPE_LABELS), or None when unknown."""
    with open(path, "rb") as f:
        head = f.read(8)
        if head.startswith(b"%PDF-"):
            return "pdf"
        if head == _PNG_MAGIC:
            return "png"
        if head.startswith(b"\xff\xd8\xff"):
            return "jpg"
        if head == _OLE_MAGIC:
            f.seek(0)
            return _ole_kind(f)
    if head.startswith((b"PK\x03\x04", b"PK\x05\x06")):  # local header / empty archive
        return _zip_kind(path)
    return None


def _ole_kind(f) -> str:
    """Word or Excel, by the UTF-16LE stream names in the compound file.

    The whole file is scanned because the directory may sit anywhere. A Word file
    with an embedded Excel chart holds both names (and text may too), so "both" is
    reported as plain "ole", which .doc and .xls both accept: never a false reject.
    """
    word = excel = False
    overlap = max(len(n) for n in _WORD_NAMES + _EXCEL_NAMES) - 1
    tail = b""
    while not (word and excel):
        chunk = f.read(_CHUNK)
        if not chunk:
            break
        buf = tail + chunk  # the overlap catches a name split across two reads
        word = word or any(n in buf for n in _WORD_NAMES)
        excel = excel or any(n in buf for n in _EXCEL_NAMES)
        tail = buf[-overlap:]
    if word and not excel:
        return "ole-doc"
    if excel and not word:
        return "ole-xls"
    return "ole"


def _zip_kind(path) -> str | None:
    """docx / xlsx / ofd / zip by member names; None when the archive is unreadable."""
    try:
        # Only the central directory is read, not the members.
        with zipfile.ZipFile(path) as zf:
            names = zf.namelist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError):
        return None
    members = set(names)
    if "word/document.xml" in members:
        return "docx"
    if "xl/workbook.xml" in members:
        return "xlsx"
    if any(n.lower() == "ofd.xml" for n in names):
        return "ofd"
    return "zip"


def check_upload(path: str | os.PathLike, filename: str, size: int, max_bytes: int) -> str:
    """The normalised extension to store ("jpg" for jpeg), or UploadRejected."""
    if size <= 0:
        raise UploadRejected("文件为空，请选择有内容的文件")
    if size > max_bytes:
        raise UploadRejected(
            f"文件大小 {format_size(size, up=True)} 超过上限 {format_size(max_bytes)}"
        )
    ext = extension_of(filename)
    if ext not in ALLOWED_EXTENSIONS:
        shown = f".{ext[:20]}" if ext else "（无扩展名）"
        raise UploadRejected(f"不支持的文件类型 {shown}，仅支持 {_ALLOWED_TEXT}")
    normal = "jpg" if ext == "jpeg" else ext
    found = sniff(path)
    if found not in _ACCEPTS[normal]:
        raise UploadRejected(
            f"文件内容与扩展名不符：扩展名为 .{ext}，内容识别为 {TYPE_LABELS[found]}"
        )
    return normal


def format_size(n: int, up: bool = False) -> str:
    """Like "63.2 MB": one decimal at most. Sizes are rounded up and limits down,
    so an over-limit file never reads as equal to its limit ("50 MB 超过上限 50 MB")."""
    for unit, label in ((1 << 30, "GB"), (1 << 20, "MB"), (1 << 10, "KB")):
        if n >= unit:
            tenths = -(-n * 10 // unit) if up else n * 10 // unit
            whole, frac = divmod(tenths, 10)
            return f"{whole} {label}" if frac == 0 else f"{whole}.{frac} {label}"
    return f"{n} B"


def safe_display_name(name: str) -> str:
    """The name kept for display and downloads: no control characters, no folders,
    at most MAX_NAME_CHARS characters with the extension kept."""
    cleaned = "".join(
        c for c in name if unicodedata.category(c) != "Cc" and c not in _INVISIBLE
    )  # Cc is exactly C0, DEL and C1
    # Browsers on Windows may send a full path; either separator can appear.
    base = cleaned.replace("\\", "/").rsplit("/", 1)[-1].strip()
    if len(base) > MAX_NAME_CHARS:
        stem, dot, ext = base.rpartition(".")
        if dot and stem and len(ext) + 1 < MAX_NAME_CHARS:
            base = stem[: MAX_NAME_CHARS - len(ext) - 1].rstrip() + "." + ext
        else:
            base = base[:MAX_NAME_CHARS].rstrip()
    # "." and ".." are path steps, not names.
    if not base.strip("."):
        return FALLBACK_NAME
    return base


def extension_of(name: str) -> str:
    """Lowercased extension without the dot, from the display-safe name; "" if none."""
    base = safe_display_name(name)
    stem, dot, ext = base.rpartition(".")
    return ext.lower() if dot else ""
