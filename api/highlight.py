"""Document text as HTML with extracted items highlighted in place.

The text is untrusted (anyone can upload a file full of ``<script>``), so the HTML is built here
from escaped text segments and tags whose every attribute is escaped too; nothing from the
document reaches the page unescaped.

Items come in layers, outermost first (a search hit, a heading, a statement, a figure). Spans in
one layer are made non-overlapping; spans of different layers may cross, and a crossing item is
closed and reopened around the boundary, so the tags always nest and every character of every
item stays highlighted.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from html import escape
from itertools import pairwise

from markupsafe import Markup


@dataclass(frozen=True, slots=True)
class Mark:
    """One highlighted item: ``[start, end)`` in the text, its layer (0 = outermost) and tag data."""

    start: int
    end: int
    layer: int
    css: str
    ref: str = ""  # key of the item's details in the page's JSON (shown on hover)
    anchor: str = ""  # an element id for in-page links; put on the item's first piece only
    title: str = ""  # plain-text tooltip for readers without script


def highlight(text: str, marks: Iterable[Mark]) -> Markup:
    """``text`` escaped, with each mark wrapped in a ``<mark>`` tag.

    >>> str(highlight("a<b", [Mark(1, 2, 0, "x")]))
    'a<mark class="hl x" tabindex="0">&lt;</mark>b'
    """
    layers = _layers(marks, len(text))
    bounds = sorted({0, len(text), *(p for layer in layers for m in layer for p in (m.start, m.end))})
    out: list[str] = []
    stack: list[Mark] = []
    cursors = [0] * len(layers)
    started: set[int] = set()  # ids: two identical spans in different layers are distinct marks
    for a, b in pairwise(bounds):
        active = _active(layers, cursors, a)
        keep = _common_prefix(stack, active)
        out.extend("</mark>" for _ in stack[keep:])
        for mark in active[keep:]:
            out.append(_open(mark, first=id(mark) not in started))
            started.add(id(mark))
        stack = active
        out.append(escape(text[a:b], quote=False))
    out.extend("</mark>" for _ in stack)
    return Markup("".join(out))


def _layers(marks: Iterable[Mark], size: int) -> list[list[Mark]]:
    """Marks grouped by layer, clamped to the text, sorted, later overlaps clipped away."""
    grouped: dict[int, list[Mark]] = {}
    for m in marks:
        start, end = max(0, m.start), min(size, m.end)
        if start < end:
            grouped.setdefault(m.layer, []).append(
                m if (start, end) == (m.start, m.end) else Mark(start, end, m.layer, m.css, m.ref, m.anchor, m.title))
    layers = []
    for layer in sorted(grouped):
        kept: list[Mark] = []
        for m in sorted(grouped[layer], key=lambda m: (m.start, -m.end)):
            start = max(m.start, kept[-1].end) if kept else m.start
            if start < m.end:
                kept.append(m if start == m.start else Mark(start, m.end, m.layer, m.css, m.ref, m.anchor, m.title))
        layers.append(kept)
    return layers


def _active(layers: list[list[Mark]], cursors: list[int], pos: int) -> list[Mark]:
    """The mark of each layer covering ``pos`` (outermost first); advances the cursors."""
    active = []
    for i, layer in enumerate(layers):
        while cursors[i] < len(layer) and layer[cursors[i]].end <= pos:
            cursors[i] += 1
        if cursors[i] < len(layer) and layer[cursors[i]].start <= pos:
            active.append(layer[cursors[i]])
    return active


def _common_prefix(stack: list[Mark], active: list[Mark]) -> int:
    n = 0
    while n < min(len(stack), len(active)) and stack[n] is active[n]:
        n += 1
    return n


def _open(mark: Mark, *, first: bool) -> str:
    attrs = [f'class="hl {escape(mark.css)}{"" if first else " cont"}"']
    if mark.ref:
        attrs.append(f'data-ref="{escape(mark.ref)}"')
    if mark.anchor and first:
        attrs.append(f'id="{escape(mark.anchor)}"')
    if mark.title:
        attrs.append(f'title="{escape(mark.title)}"')
    attrs.append('tabindex="0"')
    return f"<mark {' '.join(attrs)}>"
