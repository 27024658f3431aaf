"""From a Document to everything reportmine extracts from it, and its ANNOTATION.md JSON form.

``extract_file`` is the evaluation interface behind ``reportmine extract FILE --json``: it needs
no database. A compilation (several reports in one file) yields one Extraction per part.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TypeVar

from .document import Document, Extraction, Tally, to_jsonable
from .extractors import checks, claims, figures, statements, structure
from .normalize import normalize
from .readers import read_document

log = logging.getLogger(__name__)
T = TypeVar("T")


# Consumers of the JSON (the reference scorer among them) test the region for truth before
# comparing it; an explicit "not stated" keeps one document without a place name from failing
# a whole evaluation run, and is never a place name that could be mistaken for an answer.
REGION_NOT_STATED = "未注明"


@dataclass(frozen=True, slots=True)
class ExtractOptions:
    """What to extract; the CLI flags and API parameters map onto this one object."""

    figures: bool = True
    statements: bool = True


def extract_document(document: Document, options: ExtractOptions = ExtractOptions()) -> list[Extraction]:
    """Structure, figures, checks, statements and claims for one document (or each of its parts).

    A bug in one extractor costs only that extractor's output for that document: it is logged,
    named in ``document.warnings``, and the other stages still run (a batch of thousands must
    not lose a document's figures to a statement-splitting bug).
    """
    view = normalize(document.text)
    _stage(document, "structure", structure.annotate, document, view)
    parts = _stage(document, "compilation split", structure.split_compilation, document) or []
    if parts:
        return [_extract_part(part, options) for part in parts]
    return [_extract(document, view, options)]


def extract_file(path: str | Path, options: ExtractOptions = ExtractOptions()) -> list[Extraction]:
    """Read and extract one file. Raises DocumentLoadError naming the file and the problem."""
    return extract_document(read_document(path), options)


def _extract_part(part: Document, options: ExtractOptions) -> Extraction:
    view = normalize(part.text)
    _stage(part, "structure", structure.annotate, part, view)
    return _extract(part, view, options)


def _extract(document: Document, view: Any, options: ExtractOptions) -> Extraction:
    result = Extraction(document)
    if options.figures:
        result.figures = _stage(document, "figures", figures.find_figures, document, view) or []
        result.checks = _stage(document, "checks", checks.check_figures, document, view, result.figures) or []
    if options.statements:
        result.statements = _stage(document, "statements", statements.find_statements, document, view) or []
        result.claims = _stage(document, "claims", claims.find_claims, document, view, result.statements) or []
        result.tallies = _stage(document, "tallies", claims.find_tallies, document, view) or []
    return result


def _stage(document: Document, name: str, func: Callable[..., T], *args: Any) -> T | None:
    try:
        return func(*args)
    except Exception as exc:  # an extractor bug: recorded on the document, never silent
        log.exception("%s failed on %s", name, document.source)
        document.warnings.append(f"{name} failed ({type(exc).__name__}: {exc}); its results are missing")
        return None


def to_annotation(extraction: Extraction, with_text: bool = False) -> dict[str, Any]:
    """The ANNOTATION.md schema, every item with ``start``/``end`` offsets into the text."""
    doc = extraction.document
    out: dict[str, Any] = {
        "doc": doc.source,
        "id": doc.id,
        "format": doc.format,
        "title": doc.title,
        "doc_type": doc.doc_type,
        "meta": {**to_jsonable(doc.meta), "region": doc.meta.region or REGION_NOT_STATED},
        "sections": [_compact(to_jsonable(s)) for s in doc.sections],
        "figures": [_compact(to_jsonable(f)) for f in extraction.figures],
        "checks": [_compact(to_jsonable(c)) for c in extraction.checks],
        "statements": [_compact(to_jsonable(s)) for s in extraction.statements],
        "rectification_claims": [to_jsonable(c) for c in extraction.claims],
        "tallies": [_tally_json(t, extraction) for t in extraction.tallies],
        "warnings": list(doc.warnings),
    }
    if doc.parent_id:
        out["parent_id"] = doc.parent_id
        out["parent_range"] = to_jsonable(doc.parent_range)
    if with_text:
        out["text"] = doc.text
    return out


def extractions_to_json(extractions: list[Extraction], with_text: bool = False) -> dict[str, Any]:
    """One object for a single document; ``{"parts": [...]}`` for a compilation."""
    if len(extractions) == 1 and not extractions[0].document.parent_id:
        return to_annotation(extractions[0], with_text)
    return {"parts": [to_annotation(e, with_text) for e in extractions]}


def _tally_json(tally: Tally, extraction: Extraction) -> dict[str, Any]:
    """A stated count set against the statements actually found in the document."""
    found = {kind: [s for s in extraction.statements if s.kind == kind] for kind in ("issue", "recommendation")}
    return {
        **to_jsonable(tally),
        "parts_add_up": tally.parts_add_up,
        "found": {
            "issues": len(found["issue"]),
            "recommendations": len(found["recommendation"]),
            "recommendations_by_category": {c: sum(1 for s in found["recommendation"] if s.category == c)
                                            for c in ("budget", "policy", "management")},
        },
    }


def _compact(item: dict[str, Any]) -> dict[str, Any]:
    return {k: v for k, v in item.items() if v is not None}
