"""Uploaded files into the store: names checked, bytes saved under a temp dir, then ``ingest``.

A hostile name (a path, ``..``, a NUL or control character, an over-long name) refuses the
whole request before anything is written, so a client learns about it instead of finding a
silently renamed document. Each accepted file is saved as ``<tmp>/<n>/<name>`` so the store
records the name the user gave while no two uploads can collide.
"""

from __future__ import annotations

import logging
import re
import shutil
import tempfile
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any, BinaryIO

from reportmine.errors import InvalidRequest
from reportmine.ingest import FileResult, ingest
from reportmine.store import Store

log = logging.getLogger(__name__)
MAX_NAME_CHARS = 200  # well under the 255-byte limit of common filesystems, even in UTF-8 CJK (3 bytes each)
MAX_NAME_BYTES = 240
_CHUNK = 1 << 20


class HostileName(InvalidRequest):
    """An uploaded file name that could escape the upload folder or is not a plain name."""


@dataclass(frozen=True, slots=True)
class Upload:
    """One uploaded file: the name the client gave and a readable binary stream."""

    name: str
    stream: BinaryIO


def check_name(raw: str | None) -> str:
    """The uploaded name if it is a plain file name; raises :class:`HostileName` otherwise.

    >>> check_name("报告.txt")
    '报告.txt'
    """
    name = unicodedata.normalize("NFC", raw or "")
    problem = _name_problem(name)
    if problem:
        raise HostileName(f"refused file name {name[:80]!r}: {problem}; send the bare file name, e.g. report.txt")
    return name


def _name_problem(name: str) -> str | None:
    if not name.strip():
        return "it is empty"
    if any(ord(ch) < 32 or ord(ch) == 127 for ch in name):
        return "it contains a control character (NUL, newline …)"
    if "/" in name or "\\" in name or re.match(r"^[A-Za-z]:", name):
        return "it is a path, not a file name"
    if name in {".", ".."} or name.startswith("."):
        return "it starts with a dot"
    if len(name) > MAX_NAME_CHARS or len(name.encode()) > MAX_NAME_BYTES:
        return f"it is longer than {MAX_NAME_CHARS} characters"
    return None


def ingest_uploads(uploads: list[Upload], store: Store) -> list[dict[str, Any]]:
    """Save and ingest ``uploads`` (names already checked); one result dict per file, in order.

    A file that cannot be read is reported as failed and nothing of it is stored; the others go on.
    """
    names = [check_name(u.name) for u in uploads]  # again: this function must be safe on its own
    with tempfile.TemporaryDirectory(prefix="reportmine-upload-") as tmp:
        root = Path(tmp)
        paths = []
        for i, (upload, name) in enumerate(zip(uploads, names, strict=True)):
            folder = root / str(i)
            folder.mkdir()
            path = folder / name
            if path.resolve().parent != folder.resolve():  # belt and braces behind check_name
                raise HostileName(f"refused file name {name[:80]!r}: it leaves the upload folder")
            with path.open("wb") as out:
                shutil.copyfileobj(upload.stream, out, _CHUNK)
            paths.append(path)
        report = ingest(paths, store, workers=1)
        by_path = {r.path: r for r in report.results}
        return [_result(name, by_path.get(str(p)), root) for name, p in zip(names, paths, strict=True)]


def _result(name: str, result: FileResult | None, root: Path) -> dict[str, Any]:
    if result is None:  # ingest reports every path it is given; this guards against a silent drop
        return {"name": name, "status": "failed", "error": f"{name}: not processed", "doc_ids": []}
    error = result.error.replace(f"{root}/", "").replace(str(root), "") if result.error else None
    if error:
        error = re.sub(r"(^|\s)\d+/", r"\1", error)  # "3/report.pdf: …" -> "report.pdf: …"
    return {"name": name, "status": result.status, "error": error, "doc_ids": result.doc_ids,
            "figures": result.figures, "statements": result.statements, "chars": result.chars}
