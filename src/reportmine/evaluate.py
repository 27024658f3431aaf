"""Score reportmine against gold files (ANNOTATION.md) with the reference scorer's matching rules.

The rules are those of ``score_extract.py`` so that the two agree on the same files:

* figures: a predicted figure matches a gold one when the unit is the same, the value is equal
  within rounding (0.05 % relative, or 0.0001), and the digits of one text contain the other's
  (Chinese-numeral figures have no digits: value and unit suffice). "Exact" means the matched
  pair also agrees on ``value_max``.
* statements: same kind, and character spans that overlap by at least half the shorter and a
  quarter of the longer span (the gold text is located in the document, left to right).
* meta: ``doc_type`` and each non-null gold meta field (a region matches when the prediction is
  contained in the gold name or ends it).

Beyond the reference scorer this module also reports category accuracy and a confusion matrix on
matched statements, and rectification claims (span overlap; then status and count accuracy). A
compilation's gold may list ``parts``; their items are pooled as the scorer pools predicted parts.
Extraction runs in-process through :mod:`reportmine.pipeline`, one document at a time.
"""

from __future__ import annotations

import json
import logging
import time
from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from .answer_eval import evaluate_answering, format_answering  # noqa: F401  (proposal answering, scored beside extraction)
from .document import CATEGORIES, STATEMENT_KINDS

log = logging.getLogger(__name__)

META_FIELDS = ("region", "year", "date", "proposal_no", "delegate")
SECTIONS = ("figures", "statements", "meta", "claims")


@dataclass(slots=True)
class Counts:
    """True positives against gold and predicted totals; P/R/F1 as properties."""

    tp: int = 0
    gold: int = 0
    pred: int = 0

    def add(self, other: Counts) -> None:
        self.tp += other.tp
        self.gold += other.gold
        self.pred += other.pred

    @property
    def precision(self) -> float:
        return self.tp / self.pred if self.pred else 0.0

    @property
    def recall(self) -> float:
        return self.tp / self.gold if self.gold else 0.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0

    def to_dict(self) -> dict[str, Any]:
        return {"tp": self.tp, "gold": self.gold, "pred": self.pred, "precision": round(self.precision, 4),
                "recall": round(self.recall, 4), "f1": round(self.f1, 4)}


@dataclass(slots=True)
class DocScore:
    """One gold document's scores; a section is None when its gold has nothing to score it on."""

    doc: str
    path: str | None = None
    error: str | None = None
    seconds: float = 0.0
    figures: Counts | None = None
    figures_exact: int = 0  # matched with the same value_max (the reference scorer's "exact")
    figures_value_exact: int = 0  # matched with the very same value, not just within rounding
    figures_qualifier_ok: int = 0
    figures_measure_ok: int = 0
    figures_measure_total: int = 0  # matched figures whose gold names a measure word
    figure_misses: list[str] = field(default_factory=list)
    figure_extras: list[str] = field(default_factory=list)
    statements: dict[str, Counts] | None = None
    categories: list[tuple[str, str]] = field(default_factory=list)  # (gold, predicted) on matches
    statement_misses: list[str] = field(default_factory=list)
    claims: Counts | None = None
    claim_status_ok: int = 0
    claim_count_ok: int = 0
    meta_ok: int = 0
    meta_total: int = 0
    meta_misses: list[str] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc": self.doc, "path": self.path, "error": self.error,
                               "seconds": round(self.seconds, 3)}
        if self.figures is not None:
            out["figures"] = self.figures.to_dict() | {
                "exact": self.figures_exact, "value_exact": self.figures_value_exact,
                "qualifier_ok": self.figures_qualifier_ok, "measure_word_ok": self.figures_measure_ok,
                "measure_word_total": self.figures_measure_total,
                "missed": self.figure_misses, "extra": self.figure_extras}
        if self.statements is not None:
            out["statements"] = {k: c.to_dict() for k, c in self.statements.items()}
            out["statements_missed"] = self.statement_misses
        if self.claims is not None:
            out["claims"] = self.claims.to_dict() | {"status_ok": self.claim_status_ok,
                                                     "count_ok": self.claim_count_ok}
        if self.meta_total:
            out["meta"] = {"ok": self.meta_ok, "total": self.meta_total, "missed": self.meta_misses}
        return out


@dataclass(slots=True)
class EvalReport:
    """Per-document scores and their totals over the whole gold set."""

    gold_dir: str
    docs_dir: str
    docs: list[DocScore] = field(default_factory=list)
    seconds: float = 0.0

    @property
    def figures(self) -> Counts:
        return _total(d.figures for d in self.docs)

    @property
    def figures_exact_rate(self) -> float:
        tp = self.figures.tp
        return sum(d.figures_exact for d in self.docs) / tp if tp else 0.0

    @property
    def statements_by_kind(self) -> dict[str, Counts]:
        out: dict[str, Counts] = {}
        for d in self.docs:
            for kind, c in (d.statements or {}).items():
                out.setdefault(kind, Counts()).add(c)
        return dict(sorted(out.items()))

    @property
    def statements(self) -> Counts:
        return _total(self.statements_by_kind.values())

    @property
    def confusion(self) -> dict[str, dict[str, int]]:
        pairs = Counter(p for d in self.docs for p in d.categories)
        return {g: {p: pairs[(g, p)] for p in CATEGORIES} for g in CATEGORIES}

    @property
    def category_accuracy(self) -> float:
        pairs = [p for d in self.docs for p in d.categories]
        return sum(g == p for g, p in pairs) / len(pairs) if pairs else 0.0

    @property
    def claims(self) -> Counts:
        return _total(d.claims for d in self.docs)

    @property
    def meta_accuracy(self) -> float:
        total = sum(d.meta_total for d in self.docs)
        return sum(d.meta_ok for d in self.docs) / total if total else 0.0

    def to_dict(self) -> dict[str, Any]:
        claims = self.claims
        return {
            "gold_dir": self.gold_dir, "docs_dir": self.docs_dir, "seconds": round(self.seconds, 3),
            "figures": self.figures.to_dict() | {
                "exact_of_matched": round(self.figures_exact_rate, 4),
                "value_exact_of_matched": _ratio(sum(d.figures_value_exact for d in self.docs), self.figures.tp),
                "qualifier_accuracy": _ratio(sum(d.figures_qualifier_ok for d in self.docs), self.figures.tp),
                "measure_word_accuracy": _ratio(sum(d.figures_measure_ok for d in self.docs),
                                                sum(d.figures_measure_total for d in self.docs))},
            "statements": self.statements.to_dict(),
            "statements_by_kind": {k: c.to_dict() for k, c in self.statements_by_kind.items()},
            "category_accuracy": round(self.category_accuracy, 4),
            "category_confusion": self.confusion,
            "claims": claims.to_dict() | {
                "status_accuracy": _ratio(sum(d.claim_status_ok for d in self.docs), claims.tp),
                "count_accuracy": _ratio(sum(d.claim_count_ok for d in self.docs), claims.tp)},
            "meta_accuracy": round(self.meta_accuracy, 4),
            "meta_fields": sum(d.meta_total for d in self.docs),
            "failures": [f"{d.doc}: {d.error}" for d in self.docs if d.error],
            "docs": [d.to_dict() for d in self.docs],
        }


def evaluate(gold_dir: str | Path, docs_dir: str | Path, only: str | None = None) -> EvalReport:
    """Extract every document that has a gold file and score it.

    Args:
        gold_dir: folder searched recursively for ``*.gold.json``.
        docs_dir: folder holding the documents; a document is looked up by its gold name, first
            directly under the folder, then anywhere below it. When no file has that name, every
            other format of it (``000.txt`` -> ``000.docx``, ``000.pdf``…) is scored, one row each.
        only: score just one of ``figures``, ``statements``, ``meta`` or ``claims``.

    Returns:
        An EvalReport; documents that fail to load are scored as empty output with ``error`` set.
    """
    gold = load_gold(gold_dir)
    report = EvalReport(str(gold_dir), str(docs_dir))
    started = time.perf_counter()
    for name, g in sorted(gold.items()):
        for path, label in _documents_for(Path(docs_dir), name):
            report.docs.append(_score_file(path, label, g, only))
    report.seconds = time.perf_counter() - started
    return report


def _documents_for(docs_dir: Path, name: str) -> list[tuple[Path, str]]:
    path = _find_document(docs_dir, name)
    if path is not None:
        return [(path, name)]
    stem = name.rsplit(".", 1)[0]
    others = sorted(p for p in docs_dir.rglob(f"{stem}.*") if p.is_file() and not p.name.endswith(".gold.json"))
    return [(p, f"{name} [{p.name[len(stem):]}]") for p in others]


def _score_file(path: Path, name: str, g: dict[str, Any], only: str | None) -> DocScore:
    from .errors import ReportmineError

    t0 = time.perf_counter()
    error = None
    try:
        out, text = _extract(path)
    except ReportmineError as exc:
        out, text, error = {}, "", exc.message
        log.warning("%s: %s", name, exc.message)
    except Exception as exc:  # a bug in one extractor must not hide every other document's score
        out, text, error = {}, "", f"internal error: {type(exc).__name__}: {exc}"
        log.exception("%s: extraction failed", name)
    score = score_document(name, g, out, text, only)
    score.path, score.error, score.seconds = str(path), error, time.perf_counter() - t0
    return score


def load_gold(gold_dir: str | Path) -> dict[str, dict[str, Any]]:
    """Gold files by document name; a compilation's ``parts`` are pooled into one record."""
    gold: dict[str, dict[str, Any]] = {}
    for p in sorted(Path(gold_dir).rglob("*.gold.json")):
        g = json.loads(p.read_text(encoding="utf-8"))
        doc = g.get("doc") or p.name[: -len(".gold.json")]
        merged = gold.setdefault(doc, {})
        for k, v in _pool_parts(g).items():
            merged.setdefault(k, v)
    return gold


def score_document(name: str, gold: dict[str, Any], out: dict[str, Any], text: str,
                   only: str | None = None) -> DocScore:
    """Score one document's extraction (the ANNOTATION.md JSON) against its gold record."""
    score = DocScore(name)
    if only in (None, "figures") and "figures" in gold:
        _score_figures(score, gold["figures"], out.get("figures") or [])
    if only in (None, "statements") and "statements" in gold:
        _score_statements(score, gold["statements"], out.get("statements") or [], text)
    if only in (None, "claims") and "rectification_claims" in gold:
        _score_claims(score, gold["rectification_claims"], out.get("rectification_claims") or [], text)
    if only in (None, "meta") and "doc_type" in gold:
        _score_meta(score, gold, out)
    return score


def format_report(report: EvalReport, verbose: bool = False) -> str:
    """The printable report: one row per document, then the totals."""
    lines = [f"{'document':44} {'figures P/R/F1':>20} {'exact':>9} {'statements m/g (pred)':>22} "
             f"{'claims m/g (pred)':>18} {'meta':>7}"]
    for d in report.docs:
        lines.append(_doc_row(d))
        if verbose and d.figures is not None:
            lines.append("    missed: " + "; ".join(d.figure_misses[:20]))
            lines.append("    extra:  " + "; ".join(d.figure_extras[:20]))
        if verbose and d.statement_misses:
            lines.append("    statements missed: " + " | ".join(s[:30] for s in d.statement_misses[:10]))
    lines.append("")
    f = report.figures
    if f.gold:
        fd = report.to_dict()["figures"]
        lines.append(f"figures P {f.precision:.3f} R {f.recall:.3f} F1 {f.f1:.3f} (gold {f.gold}, pred {f.pred}, "
                     f"exact-of-matched {report.figures_exact_rate:.3f})")
        lines.append(f"figures on matched: same value {fd['value_exact_of_matched']:.3f}, qualifier "
                     f"{fd['qualifier_accuracy']:.3f}, measure word {fd['measure_word_accuracy']:.3f}")
    for kind, c in report.statements_by_kind.items():
        if c.gold:
            lines.append(f"statements[{kind}] P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f} "
                         f"(gold {c.gold}, pred {c.pred})")
    s = report.statements
    if s.gold:
        pairs = sum(len(d.categories) for d in report.docs)
        lines.append(f"statements all kinds P {s.precision:.3f} R {s.recall:.3f} F1 {s.f1:.3f}")
        lines.append(f"category accuracy on matched {report.category_accuracy:.3f} ({pairs})")
        lines.append("category confusion (rows gold, columns predicted): " + "  ".join(CATEGORIES))
        for g, row in report.confusion.items():
            lines.append(f"  {g:11}" + "".join(f"{row[p]:>11}" for p in CATEGORIES))
    c = report.claims
    if c.gold:
        d = report.to_dict()["claims"]
        lines.append(f"rectification claims P {c.precision:.3f} R {c.recall:.3f} F1 {c.f1:.3f} (gold {c.gold}, "
                     f"pred {c.pred}); status acc {d['status_accuracy']:.3f}, count acc {d['count_accuracy']:.3f}")
    meta_fields = sum(d.meta_total for d in report.docs)
    if meta_fields:
        lines.append(f"meta+doc_type accuracy {report.meta_accuracy:.3f} ({meta_fields} fields)")
    for d in report.docs:
        if d.error:
            lines.append(f"FAILED {d.doc}: {d.error}")
    lines.append(f"{len(report.docs)} documents in {report.seconds:.2f}s")
    return "\n".join(lines)


# ---- extraction ----------------------------------------------------------------------------
def _extract(path: Path) -> tuple[dict[str, Any], str]:
    """The document's ANNOTATION.md JSON (parts pooled, offsets in the whole text) and its text."""
    from .pipeline import extract_document, extractions_to_json
    from .readers import read_document

    document = read_document(path)
    out = extractions_to_json(extract_document(document))
    if "parts" in out and "figures" not in out:
        out = _pool_predicted_parts(out["parts"])
    return out, document.text


def _pool_predicted_parts(parts: list[dict[str, Any]]) -> dict[str, Any]:
    merged: dict[str, Any] = {"figures": [], "statements": [], "rectification_claims": []}
    for part in parts:
        shift = (part.get("parent_range") or {}).get("start", 0)
        for key in merged:
            for item in part.get(key) or []:
                if isinstance(item.get("start"), int) and isinstance(item.get("end"), int):
                    item = item | {"start": item["start"] + shift, "end": item["end"] + shift}
                merged[key].append(item)
    merged["meta"] = (parts[0].get("meta") if parts else {}) or {}
    merged["doc_type"] = "compilation"
    return merged


def _pool_parts(g: dict[str, Any]) -> dict[str, Any]:
    parts = g.get("parts")
    if not parts:
        return g
    pooled = {k: v for k, v in g.items() if k != "parts"}
    for key in ("figures", "statements", "rectification_claims"):
        if key not in pooled and any(key in p for p in parts):
            pooled[key] = [item for p in parts for item in p.get(key) or []]
    pooled.setdefault("meta", parts[0].get("meta") or {})
    pooled.setdefault("doc_type", "compilation")
    return pooled


def _find_document(docs_dir: Path, name: str) -> Path | None:
    direct = docs_dir / name
    if direct.is_file():
        return direct
    return next((p for p in sorted(docs_dir.rglob(name)) if p.is_file()), None)


# ---- matching (the reference scorer's rules) ------------------------------------------------
def _num(x: Any) -> Decimal | None:
    try:
        return Decimal(str(x))
    except (InvalidOperation, ValueError):
        return None


def same_value(a: Any, b: Any) -> bool:
    """Equal, or within 0.05 % of the gold value (0.0001 absolute near zero)."""
    x, y = _num(a), _num(b)
    if x is None or y is None:
        return False
    return x == y or abs(x - y) <= max(abs(y) * Decimal("0.0005"), Decimal("0.0001"))


def _digits(s: Any) -> str:
    return "".join(c for c in str(s) if c.isdigit())


def figure_pairs(gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> list[tuple[int, int | None]]:
    """For each gold figure (in order) the index of the prediction it matched, or None.

    Greedy in gold order: the first unused prediction with the same unit, a value equal within
    rounding, and digits that overlap (or none in the gold text: Chinese numerals).
    """
    used: set[int] = set()
    out: list[tuple[int, int | None]] = []
    for gi, g in enumerate(gold):
        best = None
        for i, p in enumerate(pred):
            if i in used or p.get("unit") != g.get("unit") or not same_value(p.get("value"), g.get("value")):
                continue
            gd, pd = _digits(g.get("text", "")), _digits(p.get("text", ""))
            if gd and gd not in pd and pd not in gd:
                continue
            best = i
            break
        if best is not None:
            used.add(best)
        out.append((gi, best))
    return out


def _exact(g: dict[str, Any], p: dict[str, Any]) -> bool:
    return same_value(p.get("value_max"), g.get("value_max")) or (
        "value_max" not in g and p.get("value_max") in (None, p.get("value")))


def match_figures(gold: list[dict[str, Any]], pred: list[dict[str, Any]]
                  ) -> tuple[int, int, list[str], list[str]]:
    """(matched, exact, missed gold texts, extra predicted texts), as the reference scorer counts."""
    pairs = figure_pairs(gold, pred)
    matched = [(gold[g], pred[p]) for g, p in pairs if p is not None]
    used = {p for _, p in pairs if p is not None}
    misses = [str(gold[g].get("text")) for g, p in pairs if p is None]
    extras = [str(pred[i].get("text")) for i in range(len(pred)) if i not in used]
    return len(matched), sum(_exact(g, p) for g, p in matched), misses, extras


def _score_figures(score: DocScore, gold: list[dict[str, Any]], pred: list[dict[str, Any]]) -> None:
    tp, exact, misses, extras = match_figures(gold, pred)
    score.figures = Counts(tp, len(gold), len(pred))
    score.figures_exact, score.figure_misses, score.figure_extras = exact, misses, extras
    for g, p in ((gold[g], pred[p]) for g, p in figure_pairs(gold, pred) if p is not None):
        score.figures_value_exact += _num(g.get("value")) == _num(p.get("value")) and _exact(g, p)
        score.figures_qualifier_ok += g.get("qualifier") == p.get("qualifier")
        if g.get("measure_word") is not None:
            score.figures_measure_total += 1
            score.figures_measure_ok += _plain_word(g.get("measure_word")) == _plain_word(p.get("measure_word"))


def _plain_word(word: Any) -> str:
    """个 and 個 are one measure word: compare in the normalised view."""
    from .normalize import normalize

    return normalize(str(word or "")).text


def _locate_all(text: str, needles: list[str]) -> list[tuple[int, int] | None]:
    """Each gold text's span, searched left to right from the previous hit (as the scorer does)."""
    spans: list[tuple[int, int] | None] = []
    cursor = 0
    for needle in needles:
        i = text.find(needle, cursor)
        if i < 0:
            i = text.find(needle)
        if i >= 0:
            cursor = i
        spans.append((i, i + len(needle)) if i >= 0 else None)
    return spans


def _overlaps(gold_span: tuple[int, int] | None, gold_text: str, p: dict[str, Any]) -> bool:
    ps, pe = p.get("start"), p.get("end")
    if gold_span is not None and isinstance(ps, int) and isinstance(pe, int):
        gs, ge = gold_span
        inter = max(0, min(pe, ge) - max(ps, gs))
        return inter >= 0.5 * min(pe - ps, ge - gs) and inter >= 0.25 * max(pe - ps, ge - gs)
    other = str(p.get("text", ""))
    return gold_text in other or other in gold_text


def match_statements(gold: list[dict[str, Any]], pred: list[dict[str, Any]], text: str
                     ) -> list[tuple[dict[str, Any], dict[str, Any] | None]]:
    """Each gold statement with the first unused prediction of the same kind that overlaps it."""
    used: set[int] = set()
    pairs = []
    for g, span in zip(gold, _locate_all(text, [g["text"] for g in gold])):
        hit = next((j for j, p in enumerate(pred)
                    if j not in used and p.get("kind") == g.get("kind") and _overlaps(span, g["text"], p)), None)
        if hit is not None:
            used.add(hit)
        pairs.append((g, pred[hit] if hit is not None else None))
    return pairs


def _score_statements(score: DocScore, gold: list[dict[str, Any]], pred: list[dict[str, Any]], text: str) -> None:
    kinds = {k: Counts() for k in STATEMENT_KINDS}
    for g, p in match_statements(gold, pred, text):
        c = kinds.setdefault(g["kind"], Counts())
        c.gold += 1
        if p is not None:
            c.tp += 1
            score.categories.append((str(g.get("category")), str(p.get("category"))))
        else:
            score.statement_misses.append(g["text"])
    for p in pred:
        kinds.setdefault(str(p.get("kind", "?")), Counts()).pred += 1
    score.statements = kinds


def _locate_elided(text: str, needle: str, cursor: int) -> tuple[int, int] | None:
    """A gold claim may elide its middle with …: find the pieces in order."""
    pieces = [p for p in needle.replace("...", "…").split("…") if p]
    if not pieces:
        return None
    for origin in (cursor, 0):
        start = text.find(pieces[0], origin)
        if start < 0:
            continue
        end = start + len(pieces[0])
        for piece in pieces[1:]:
            i = text.find(piece, end)
            if i < 0:
                break
            end = i + len(piece)
        else:
            return start, end
    return None


def _score_claims(score: DocScore, gold: list[dict[str, Any]], pred: list[dict[str, Any]], text: str) -> None:
    used: set[int] = set()
    tp = status_ok = count_ok = 0
    cursor = 0
    for g in gold:
        span = _locate_elided(text, str(g.get("text", "")), cursor)
        if span is not None:
            cursor = span[0]
        hit = next((j for j, p in enumerate(pred)
                    if j not in used and _overlaps(span, str(g.get("text", "")), p)), None)
        if hit is None:
            continue
        used.add(hit)
        tp += 1
        status_ok += pred[hit].get("status") == g.get("status")
        count_ok += pred[hit].get("recommendation_count") == g.get("recommendation_count")
    score.claims = Counts(tp, len(gold), len(pred))
    score.claim_status_ok, score.claim_count_ok = status_ok, count_ok


def _score_meta(score: DocScore, gold: dict[str, Any], out: dict[str, Any]) -> None:
    score.meta_total += 1
    if out.get("doc_type") == gold["doc_type"]:
        score.meta_ok += 1
    else:
        score.meta_misses.append(f"doc_type {out.get('doc_type')} != {gold['doc_type']}")
    for key in META_FIELDS:
        gv = (gold.get("meta") or {}).get(key)
        if gv is None:
            continue
        score.meta_total += 1
        pv = (out.get("meta") or {}).get(key)
        ok = str(pv) == str(gv) or (key == "region" and bool(pv) and (str(pv) in str(gv) or str(gv).endswith(str(pv))))
        score.meta_ok += ok
        if not ok:
            score.meta_misses.append(f"{key} {pv} != {gv}")


# ---- small helpers --------------------------------------------------------------------------
def _total(counts: Any) -> Counts:
    total = Counts()
    for c in counts:
        if c is not None:
            total.add(c)
    return total


def _ratio(a: int, b: int) -> float:
    return round(a / b, 4) if b else 0.0


def _doc_row(d: DocScore) -> str:
    fig = f"{d.figures.precision:.3f}/{d.figures.recall:.3f}/{d.figures.f1:.3f}" if d.figures else "-"
    exact = f"{d.figures_exact}/{d.figures.tp}" if d.figures else "-"
    if d.statements is not None:
        st = _total(d.statements.values())
        stm = f"{st.tp}/{st.gold} ({st.pred})"
    else:
        stm = "-"
    cl = f"{d.claims.tp}/{d.claims.gold} ({d.claims.pred})" if d.claims is not None else "-"
    meta = f"{d.meta_ok}/{d.meta_total}" if d.meta_total else "-"
    return f"{d.doc[:44]:44} {fig:>20} {exact:>9} {stm:>22} {cl:>18} {meta:>7}"
