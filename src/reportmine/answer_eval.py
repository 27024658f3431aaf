"""Score proposal answering against judged passages (``corpora/answering/judgments.gold.json``).

The judgments list, for every ask of a test proposal, the passages that truly answer it, each as
a document path under the corpora folder and its exact text. Scoring ingests the answering corpus
(``samples/`` and ``answering/docs/``) into a temporary store, extracts each proposal for its id
and region, and asks :func:`answering.retrieve` for the top passages of every judged ask:

* a retrieved passage matches a judged one when it is in the same file and the two character
  spans overlap by at least half of the shorter (compilation parts are mapped back to file
  offsets through their ``parent_range``);
* recall@5: the share of asks with at least one matching passage in the top 5 (recall@10 too);
* MRR: the mean over asks of 1/rank of the first matching passage in the top 10 (0 if none).

It also reports how many judged asks :func:`answering.asks_of` finds in the proposal (the same
overlap rule), since an ask the extractor misses is never answered in ``reportmine answer``.
"""

from __future__ import annotations

import json
import logging
import tempfile
import time
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import answering
from .errors import DocumentLoadError, InvalidRequest
from .ingest import ingest
from .pipeline import extract_file
from .readers import read_document
from .store import Store

log = logging.getLogger(__name__)

JUDGMENTS = Path("answering") / "judgments.gold.json"
CORPUS_DIRS = (Path("samples"), Path("answering") / "docs")
K = 10
CUTOFF = 5

Span = tuple[int, int]


@dataclass(slots=True)
class AskScore:
    """One judged ask under one retriever: where its first relevant passage ranked."""

    proposal: str
    ask: str
    rank: int | None  # 1-based rank of the first relevant passage in the top K; None if absent
    top: list[dict[str, Any]] = field(default_factory=list)  # the top CUTOFF passages as retrieved


def overlaps(a: Span, b: Span) -> bool:
    """Spans overlap by at least half of the shorter one."""
    shorter = min(a[1] - a[0], b[1] - b[0])
    return shorter > 0 and min(a[1], b[1]) - max(a[0], b[0]) >= 0.5 * shorter


def load_judgments(path: Path) -> list[dict[str, Any]]:
    """The judgments file; raises InvalidRequest when it is missing or not a list of proposals."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise InvalidRequest(f"{path}: cannot read the answering judgments ({exc})") from exc
    if not isinstance(data, list) or not all("proposal" in e and "asks" in e for e in data):
        raise InvalidRequest(f"{path}: expected a list of {{proposal, asks}} objects")
    return data


def evaluate_answering(corpora_dir: Path, retrievers: Sequence[str] = ("bm25", "tfidf"), *,
                       judgments: Path | None = None, docs: Iterable[Path] | None = None,
                       workers: int = 2) -> dict[str, Any]:
    """Recall@5, recall@10 and MRR of proposal answering, per retriever.

    Args:
        corpora_dir: the folder holding ``samples/``, ``answering/docs/`` and the judgments;
            document paths in the judgments are relative to it.
        retrievers: names accepted by :func:`answering.retrieve`.
        judgments: another judgments file (default ``corpora_dir/answering/judgments.gold.json``).
        docs: the files or folders to ingest (default: the whole answering corpus).
        workers: ingest processes.

    Returns:
        A JSON-ready dict: corpus counts, ask detection, and for each retriever its metrics and
        per-ask ranks (with the top passages of every ask that missed the cutoff).
    """
    corpora_dir = Path(corpora_dir)
    entries = load_judgments(judgments or corpora_dir / JUDGMENTS)
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="reportmine-answer-eval-") as tmp:
        store = Store(Path(tmp) / "answering.db")
        try:
            paths = list(docs) if docs is not None else [corpora_dir / d for d in CORPUS_DIRS]
            report = ingest(paths, store, workers=workers)
            if report.failures:
                log.warning("answering corpus: %d files failed to ingest", len(report.failures))
            located = _locator(store, report.results, corpora_dir)
            proposals = [_proposal(corpora_dir, e) for e in entries]
            spans = _gold_spans(corpora_dir, entries)
            result: dict[str, Any] = {
                "documents": report.count("added") + report.count("skipped"),
                "failed": [f.error for f in report.failures],
                "proposals": len(entries),
                "asks": sum(len(e["asks"]) for e in entries),
                "ask_detection": _ask_detection(entries, proposals),
                "retrievers": {},
            }
            for name in retrievers:
                scores = [_score_ask(store, located, spans, entry, ask, proposal, name)
                          for entry, proposal in zip(entries, proposals) for ask in entry["asks"]]
                result["retrievers"][name] = _summary(scores)
        finally:
            store.close()
    result["seconds"] = round(time.perf_counter() - started, 2)
    return result


def format_answering(result: dict[str, Any], verbose: bool = False) -> str:
    """The printable report: the retrievers side by side, then (verbose) each missed ask."""
    names = list(result["retrievers"])
    lines = [(f"proposal answering: {result['proposals']} proposals, {result['asks']} judged asks, "
              f"{result['documents']} documents ({result['seconds']:.1f}s)"),
             f"asks found by asks_of: {result['ask_detection']['found']}/{result['asks']}",
             f"{'':14}" + "".join(f"{n:>10}" for n in names)]
    for metric in ("recall@5", "recall@10", "mrr"):
        lines.append(f"{metric:14}" + "".join(f"{result['retrievers'][n][metric]:>10.3f}" for n in names))
    for failure in result["failed"]:
        lines.append(f"FAILED {failure}")
    if verbose:
        for n in names:
            for miss in result["retrievers"][n]["missed"]:
                lines.append(f"[{n}] missed at 5 ({miss['rank'] or '-'}): {miss['proposal']}: {miss['ask'][:40]}")
                for hit in miss["top"]:
                    lines.append(f"      {hit['doc']} {hit['score']:.3f} {hit['text'][:50]}")
    return "\n".join(lines)


# ---- scoring ----------------------------------------------------------------------------------
def _locator(store: Store, results: Iterable[Any], corpora_dir: Path) -> dict[str, tuple[str, int]]:
    """doc_id -> (file path relative to the corpora folder, offset of the document in that file)."""
    located: dict[str, tuple[str, int]] = {}
    root = corpora_dir.resolve()
    for r in results:
        try:
            rel = Path(r.path).resolve().relative_to(root).as_posix()
        except ValueError:
            rel = Path(r.path).as_posix()
        for doc_id in r.doc_ids:
            row = store.document(doc_id)
            located[doc_id] = (rel, row["parent_start"] or 0)
    return located


def _proposal(corpora_dir: Path, entry: dict[str, Any]) -> Any:
    path = corpora_dir / entry["proposal"]
    try:
        return extract_file(path)[0]
    except DocumentLoadError as exc:
        raise InvalidRequest(f"judged proposal cannot be read: {exc.message}") from exc


def _ask_detection(entries: list[dict[str, Any]], proposals: list[Any]) -> dict[str, Any]:
    found, missed = 0, []
    for entry, proposal in zip(entries, proposals):
        text = proposal.document.text
        spans = [(s, e) for _, s, e in answering.asks_of(proposal)]
        for ask in entry["asks"]:
            start = text.find(ask["text"])
            span = (start, start + len(ask["text"]))
            if start >= 0 and any(overlaps(span, s) for s in spans):
                found += 1
            else:
                missed.append(f"{entry['proposal']}: {ask['text'][:40]}")
    return {"found": found, "missed": missed}


def _gold_spans(corpora_dir: Path, entries: list[dict[str, Any]]) -> dict[tuple[str, str], Span | None]:
    """(doc, judged text) -> its span in the file as read; None (logged) when it is not there."""
    texts: dict[str, str] = {}
    spans: dict[tuple[str, str], Span | None] = {}
    for rel in (r for e in entries for a in e["asks"] for r in a["relevant"]):
        doc, text = rel["doc"], rel["text"]
        if doc not in texts:
            try:
                texts[doc] = read_document(corpora_dir / doc).text
            except DocumentLoadError as exc:
                log.warning("judged document cannot be read: %s", exc.message)
                texts[doc] = ""
        start = texts[doc].find(text)
        if start < 0:
            log.warning("%s: judged passage not found: %s", doc, text[:40])
        spans[(doc, text)] = (start, start + len(text)) if start >= 0 else None
    return spans


def _score_ask(store: Store, located: dict[str, tuple[str, int]], spans: dict[tuple[str, str], Span | None],
               entry: dict[str, Any], ask: dict[str, Any], proposal: Any, retriever: str) -> AskScore:
    gold = [(r["doc"], spans[(r["doc"], r["text"])]) for r in ask["relevant"]]
    ranked = answering.retrieve(store, ask["text"], region=proposal.document.meta.region, k=K,
                                exclude_doc=proposal.document.id, retriever=retriever)
    rank = None
    top = []
    for i, e in enumerate(ranked, start=1):
        doc, offset = located.get(e.doc_id, (e.doc, 0))
        span = (e.start + offset, e.end + offset)
        if rank is None and any(d == doc and g is not None and overlaps(span, g) for d, g in gold):
            rank = i
        if i <= CUTOFF:
            top.append({"doc": doc, "start": span[0], "end": span[1], "score": round(e.score, 4),
                        "text": e.text})
    return AskScore(entry["proposal"], ask["text"], rank, top)


def _summary(scores: list[AskScore]) -> dict[str, Any]:
    n = len(scores) or 1
    return {
        "recall@5": round(sum(1 for s in scores if s.rank and s.rank <= CUTOFF) / n, 4),
        "recall@10": round(sum(1 for s in scores if s.rank) / n, 4),
        "mrr": round(sum(1 / s.rank for s in scores if s.rank) / n, 4),
        "ranks": [{"proposal": s.proposal, "ask": s.ask, "rank": s.rank} for s in scores],
        "missed": [{"proposal": s.proposal, "ask": s.ask, "rank": s.rank, "top": s.top}
                   for s in scores if not (s.rank and s.rank <= CUTOFF)],
    }
