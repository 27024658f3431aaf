"""Which reader a file needs: sniff the bytes first, trust the extension second."""

from __future__ import annotations

import enum
import zipfile
from pathlib import Path

from .errors import CorruptDocument, EmptyDocument, UnsupportedFormat


class Format(str, enum.Enum):
    TEXT = "txt"
    HTML = "html"
    DOCX = "docx"
    PDF = "pdf"


_EXTENSIONS = {
    ".txt": Format.TEXT,
    ".text": Format.TEXT,
    ".md": Format.TEXT,
    ".html": Format.HTML,
    ".htm": Format.HTML,
    ".xhtml": Format.HTML,
    ".docx": Format.DOCX,
    ".pdf": Format.PDF,
}
_HTML_MARKERS = (b"<!doctype html", b"<html", b"<head", b"<body", b"<meta", b"<div", b"<p>", b"<p ")


def detect_format(path: str | Path, head: bytes) -> Format:
    """The format of a file from its first bytes (at least 4 KiB), its extension second.

    Raises:
        EmptyDocument: no bytes.
        UnsupportedFormat: the bytes are a format reportmine does not read (.doc, images, zip...).
        CorruptDocument: the extension promises a format the bytes contradict.
    """
    path = Path(path)
    ext = _EXTENSIONS.get(path.suffix.lower())
    if not head:
        raise EmptyDocument(path, "the file is empty (0 bytes)")
    sniffed = _sniff(path, head)
    if sniffed is None:
        if ext in (Format.DOCX, Format.PDF):
            raise CorruptDocument(path, f"the extension says {ext.value} but the bytes are not a {ext.value} file")
        raise UnsupportedFormat(path, "not a text, HTML, .docx or PDF file (binary content of an unknown kind)")
    if ext in (Format.DOCX, Format.PDF) and sniffed != ext:
        raise CorruptDocument(path, f"the extension says {ext.value} but the bytes are {sniffed.value}")
    return sniffed


def _sniff(path: Path, head: bytes) -> Format | None:
    if head.startswith(b"%PDF-") or b"%PDF-" in head[:1024]:
        return Format.PDF
    if head.startswith(b"PK\x03\x04"):
        return _sniff_zip(path)
    if head.startswith(b"\xd0\xcf\x11\xe0"):
        if path.suffix.lower() == ".docx":
            return Format.DOCX  # Word wraps a password-protected .docx in OLE: the reader says so
        raise UnsupportedFormat(path, "an old binary Word/Excel (OLE) file: save it as .docx or PDF first")
    if head[:4] in (b"\x89PNG", b"GIF8") or head[:3] == b"\xff\xd8\xff":
        raise UnsupportedFormat(path, "an image: reportmine needs text (run OCR first)")
    if not _looks_textual(head):
        return None
    lowered = head[:2048].lstrip(b"\xef\xbb\xbf \t\r\n").lower()
    if any(lowered.startswith(m) for m in _HTML_MARKERS) or b"<html" in lowered[:1024]:
        return Format.HTML
    return Format.TEXT


def _sniff_zip(path: Path) -> Format:
    try:
        with zipfile.ZipFile(path) as z:
            names = set(z.namelist())
    except zipfile.BadZipFile as exc:
        raise CorruptDocument(path, f"a damaged or truncated zip/.docx container ({exc})") from exc
    if "word/document.xml" in names:
        return Format.DOCX
    raise UnsupportedFormat(path, "a zip archive that is not a Word .docx document")


def _looks_textual(head: bytes) -> bool:
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return True  # UTF-16 with BOM: NULs are expected
    sample = head[:4096]
    if b"\x00" in sample:
        # UTF-16 without BOM has a NUL in every other byte of ASCII text; random binary does not.
        even, odd = sample[0::2].count(0), sample[1::2].count(0)
        return max(even, odd) > 0.3 * len(sample) / 2 and min(even, odd) < 0.05 * len(sample) / 2
    controls = sum(1 for b in sample if b < 32 and b not in (9, 10, 12, 13, 27))
    return controls <= 0.01 * len(sample)
