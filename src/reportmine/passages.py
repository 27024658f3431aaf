"""Retrievable passages: a document cut into sentence-sized pieces with their search tokens.

The full-text index and the evidence retrieval both work on these, so a hit always has a span
that can be highlighted in its source.
"""

from __future__ import annotations

import re
from typing import NamedTuple

from .document import Document
from .normalize import normalize
from .segmentation import segment

_BREAK = re.compile(r"[^\n。！？!?]*[。！？!?]?")
MAX_PASSAGE = 240  # characters: long enough for a point with its figures, short enough to cite


class Passage(NamedTuple):
    """A tuple: a worker sends a document's passages to the writer, and a tuple pickles in a
    fraction of a dataclass's time."""

    start: int
    end: int
    tokens: str  # space-joined search tokens


def passages(document: Document) -> list[Passage]:
    """Sentence-sized passages of ``document.text`` with their search tokens.

    Tokens come from the normalised view (simplified characters, joined lines), so a query in
    simplified characters finds a traditional-character source; spans are original offsets.
    """
    out: list[Passage] = []
    view = normalize(document.text)
    text = view.text
    words = segment(text)  # shared with the statement classifier: one jieba pass per document
    for m in _BREAK.finditer(text):
        start, end = m.span()
        while start < end and text[start].isspace():
            start += 1
        if end - start < 2:
            continue
        for s in range(start, end, MAX_PASSAGE):
            e = min(end, s + MAX_PASSAGE)
            tokens = words.search_words_in(s, e)
            if tokens:
                out.append(Passage(*view.to_original(s, e), " ".join(tokens)))
    return out
