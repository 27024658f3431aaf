"""The one data model every stage shares.

A :class:`Document` holds the text exactly as its reader produced it (for plain text: the
decoded file, unchanged), and every extracted item points into that text with ``start``/``end``
character offsets, so any answer can be shown highlighted in its source.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

DOC_TYPES = (
    "work_report",
    "evaluation_report",
    "self_evaluation",
    "proposal",
    "proposal_reply",
    "rectification_report",
    "compilation",
    "other",
)
STATEMENT_KINDS = ("issue", "recommendation", "measure", "rectification")
CATEGORIES = ("budget", "policy", "management")
FIGURE_UNITS = ("CNY", "count", "percent", "score", "duration", "other")


@dataclass(frozen=True, slots=True)
class Span:
    """A half-open character range ``[start, end)`` into ``Document.text``."""

    start: int
    end: int

    def __post_init__(self) -> None:
        if not 0 <= self.start <= self.end:
            raise ValueError(f"bad span {self.start}..{self.end}")


@dataclass(slots=True)
class Meta:
    region: str | None = None
    year: int | None = None
    issuer: str | None = None
    date: str | None = None  # ISO YYYY-MM-DD
    proposal_no: str | None = None
    delegate: str | None = None


@dataclass(frozen=True, slots=True)
class Section:
    """A heading and the text it governs: ``span`` covers heading and body."""

    heading: str
    level: int  # 1 for 一、, 2 for （一）, 3 for 1., 4 for （1）
    numbering: str  # the marker as written: "一、", "（二）", "3."
    span: Span
    heading_span: Span


@dataclass(frozen=True, slots=True)
class Page:
    """Where one source page lies in the text; ``garbled`` when its text layer is unusable."""

    number: int
    span: Span
    garbled: bool = False


@dataclass(slots=True)
class Document:
    id: str  # sha256 of the source bytes (parts of a compilation: parent id + range)
    source: str  # file name or label the user gave
    format: str  # txt, html, docx, pdf
    text: str
    title: str = ""
    doc_type: str = "other"
    meta: Meta = field(default_factory=Meta)
    sections: list[Section] = field(default_factory=list)
    pages: list[Page] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    parent_id: str | None = None
    parent_range: Span | None = None  # where this part lies in the parent's text


@dataclass(frozen=True, slots=True)
class Figure:
    span: Span
    text: str
    value: Decimal
    unit: str  # one of FIGURE_UNITS
    value_max: Decimal | None = None
    measure_word: str | None = None
    qualifier: str | None = None  # over, under, approx, at_least, at_most, cumulative
    direction: str | None = None  # up, down
    label: str | None = None
    period: str | None = None  # the year or period the sentence or section gives it


@dataclass(frozen=True, slots=True)
class Check:
    """An arithmetic relation a passage states between figures, and whether it holds."""

    relation: str  # share, rate, difference, growth, sum
    figure_spans: tuple[Span, ...]
    stated: Decimal
    computed: Decimal
    tolerance: Decimal
    consistent: bool
    explanation: str


@dataclass(frozen=True, slots=True)
class Statement:
    span: Span
    text: str
    kind: str  # one of STATEMENT_KINDS
    category: str  # one of CATEGORIES
    confidence: float = 1.0
    section: str = ""  # heading path, " > "-joined


@dataclass(frozen=True, slots=True)
class RectificationClaim:
    span: Span
    text: str
    recommendation_count: int | None
    status: str  # rectified, in_progress, required


@dataclass(frozen=True, slots=True)
class Tally:
    """Counts a report states — problems found, recommendations made (提出94个问题,102条建议) —
    and their split by category (25项预算… + 36项政策… + 103项业务管理…)."""

    span: Span
    text: str
    issues: int | None = None
    recommendations: int | None = None
    by_category: dict[str, int] = field(default_factory=dict)

    @property
    def parts_add_up(self) -> bool | None:
        """Whether the category parts sum to the stated total (None when nothing to check)."""
        if not self.by_category or self.recommendations is None:
            return None
        return sum(self.by_category.values()) == self.recommendations


@dataclass(slots=True)
class Extraction:
    """Everything the extractors found in one document."""

    document: Document
    figures: list[Figure] = field(default_factory=list)
    checks: list[Check] = field(default_factory=list)
    statements: list[Statement] = field(default_factory=list)
    claims: list[RectificationClaim] = field(default_factory=list)
    tallies: list[Tally] = field(default_factory=list)


def to_jsonable(value: Any) -> Any:
    """Plain JSON types for any model object: spans flatten to ``start``/``end``, decimals to numbers."""
    if isinstance(value, Decimal):
        return _decimal_to_number(value)
    if isinstance(value, Span):
        return {"start": value.start, "end": value.end}
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out: dict[str, Any] = {}
        for f in dataclasses.fields(value):
            item = getattr(value, f.name)
            if f.name == "span" and isinstance(item, Span):
                out["start"], out["end"] = item.start, item.end
            else:
                out[f.name] = to_jsonable(item)
        return out
    if isinstance(value, (list, tuple)):
        return [to_jsonable(v) for v in value]
    if isinstance(value, dict):
        return {k: to_jsonable(v) for k, v in value.items()}
    return value


def _decimal_to_number(d: Decimal) -> int | float:
    if d == d.to_integral_value():
        return int(d)
    return float(d)
