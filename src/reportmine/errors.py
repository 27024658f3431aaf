"""Errors reportmine raises on purpose; anything else is a bug.

    ReportmineError            base: every message names the file (or input) and the problem
    ├── DocumentLoadError      the input cannot be read as a document
    │   ├── UnsupportedFormat  bytes match no supported format
    │   ├── EmptyDocument      no bytes, no pages, or no text at all
    │   ├── EncryptedDocument  password-protected PDF or docx
    │   ├── NoTextLayer        a scanned PDF: pages are images only
    │   └── CorruptDocument    truncated or damaged file, or bytes that contradict the extension
    ├── StoreError             the database cannot be opened or written
    ├── NotFound               no document, statement or link with that id
    └── InvalidRequest         arguments that cannot be served (bad filter, bad status word)
"""

from __future__ import annotations

from pathlib import Path


class ReportmineError(Exception):
    """Base of every error reportmine raises on purpose."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class DocumentLoadError(ReportmineError):
    """A reader could not turn the input bytes into a document."""

    status = 422

    def __init__(self, path: str | Path, reason: str) -> None:
        self.path = str(path)
        self.reason = reason
        super().__init__(f"{self.path}: {reason}")


class UnsupportedFormat(DocumentLoadError):
    """The bytes are none of txt, html, docx or pdf."""


class EmptyDocument(DocumentLoadError):
    """The file has no bytes, no pages or no text."""


class EncryptedDocument(DocumentLoadError):
    """The file is password-protected."""


class NoTextLayer(DocumentLoadError):
    """A PDF whose pages carry images but no text (a scan): it needs OCR first."""


class CorruptDocument(DocumentLoadError):
    """A truncated or damaged file, or one whose bytes contradict its extension."""


class StoreError(ReportmineError):
    """The database cannot be opened, migrated or written."""

    status = 500


class NotFound(ReportmineError):
    """No item with that id."""

    status = 404


class InvalidRequest(ReportmineError):
    """Arguments that cannot be served."""

    status = 400
