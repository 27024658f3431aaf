"""One reader per format, chosen from a dict. Each turns a file into a :class:`Document`.

A reader is ``read(path, data) -> ReadResult``; add a format by adding a module and an entry.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from ..document import Document, Page
from ..errors import DocumentLoadError, EmptyDocument
from ..formats import Format, detect_format

MAX_BYTES = 200 * 1024 * 1024  # bigger files are refused rather than risking memory on 2 cores


@dataclass(slots=True)
class ReadResult:
    """What a reader found: the text, its title if the format states one, pages, warnings."""

    text: str
    title: str = ""
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


Reader = Callable[[Path, bytes], ReadResult]


def _readers() -> dict[Format, Reader]:
    # Imported here so that importing reportmine does not import pdfplumber, lxml or python-docx.
    from . import docx, html, pdf, text

    return {Format.TEXT: text.read, Format.HTML: html.read, Format.DOCX: docx.read, Format.PDF: pdf.read}


def read_document(path: str | Path, data: bytes | None = None, source: str | None = None) -> Document:
    """Read one file into a Document (no structure or extraction yet).

    Args:
        path: the file; its name is kept as the document's source.
        data: the file's bytes if already read (e.g. an upload); read from ``path`` otherwise.
        source: the name to record instead of ``path``'s name.

    Raises:
        DocumentLoadError: (a subclass) naming the file and the reason.
    """
    path = Path(path)
    if data is None:
        try:
            size = path.stat().st_size
        except OSError as exc:
            raise DocumentLoadError(path, f"cannot open: {exc.strerror or exc}") from exc
        if size > MAX_BYTES:
            raise DocumentLoadError(path, f"too large ({size / 2**20:.0f} MiB; the limit is {MAX_BYTES // 2**20} MiB)")
        data = path.read_bytes()
    elif len(data) > MAX_BYTES:
        raise DocumentLoadError(path, f"too large ({len(data) / 2**20:.0f} MiB; the limit is {MAX_BYTES // 2**20} MiB)")
    fmt = detect_format(path, data[:8192])
    result = _readers()[fmt](path, data)
    if not result.text.strip():
        raise EmptyDocument(path, "no text could be read from the file")
    return Document(
        id=hashlib.sha256(data).hexdigest(),
        source=source or path.name,
        format=fmt.value,
        text=result.text,
        title=result.title,
        pages=result.pages,
        warnings=result.warnings,
    )
