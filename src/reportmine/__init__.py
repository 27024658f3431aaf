"""reportmine: read Chinese public-finance documents at scale.

The library: readers turn files into a :class:`Document`; extractors find figures, statements
and rectification claims with offsets into its text; the store keeps them; services track
recommendations, answer proposals and audit self-evaluations. The CLI and API are thin layers.
"""

import logging

from .document import (
    Check,
    Document,
    Extraction,
    Figure,
    Meta,
    RectificationClaim,
    Section,
    Span,
    Statement,
)
from .errors import DocumentLoadError, NotFound, ReportmineError
from .ingest import IngestReport, ingest
from .pipeline import ExtractOptions, extract_document, extract_file
from .readers import read_document
from .store import Store

logging.getLogger(__name__).addHandler(logging.NullHandler())

__all__ = [
    "Check",
    "Document",
    "DocumentLoadError",
    "ExtractOptions",
    "Extraction",
    "Figure",
    "IngestReport",
    "Meta",
    "NotFound",
    "RectificationClaim",
    "ReportmineError",
    "Section",
    "Span",
    "Statement",
    "Store",
    "extract_document",
    "extract_file",
    "ingest",
    "read_document",
]
