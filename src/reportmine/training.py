"""``reportmine train``: rebuild models/ from corpora/, deterministically.

Examples come from
- ``corpora/statements/*.jsonl``: ``{"text", "kind", "category"}`` lines (``kind`` may be "none"),
  optionally with ``section``/``doc_type``/``position`` saying where the text would stand;
- ``corpora/gold/*.gold.json`` statements, and the clauses of their documents (found under
  ``corpora/samples/``) that no gold statement touches, as ``none`` examples for the kind model.

Inputs are read in sorted order, duplicates resolved by majority label, and the classifier is a
deterministic solver, so two runs write byte-identical weights. Each model gets a card
(``models/<name>.card.json``) with its data size, cross-validated macro-F1 and confusion matrix.
"""

from __future__ import annotations

import bisect
import datetime as _dt
import json
import logging
from collections import Counter, defaultdict
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from .document import CATEGORIES
from .extractors.classify import (
    CATEGORY_LABELS,
    CONJUNCTION_PREFIXES,
    KIND_LABELS,
    FeatureSpace,
    LinearModel,
    StatementModels,
    featurize,
    model_dir,
    save_models,
)
from .extractors.units import split_units
from .normalize import normalize

log = logging.getLogger(__name__)

C_KIND = 32.0  # inverse regularisation, chosen by grouped cross-validation on the project corpus
C_CATEGORY = 8.0
FOLDS = 5
SEED = 0


@dataclass(frozen=True, slots=True)
class Example:
    text: str  # normalised view text
    kind: str
    category: str | None
    source: str  # file it came from (also the cross-validation group)
    context: tuple[str, ...] = ()  # where it stands in its document (statements.context_tokens)


def repo_root() -> Path:
    return Path(__file__).resolve().parents[2]


def collect(corpora: Path) -> list[Example]:
    """All labelled examples under ``corpora``, deduplicated, in a stable order."""
    raw = _from_jsonl(corpora / "statements") + _from_gold(corpora / "gold", corpora / "samples")
    return _dedupe(raw)


def _from_jsonl(folder: Path) -> list[Example]:
    out = []
    for path in sorted(folder.glob("*.jsonl")):
        for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                log.warning("%s:%d: not JSON, skipped", path, n)
                continue
            ex = _example(row.get("text", ""), row.get("kind"), row.get("category"), path.name, _row_context(row))
            if ex is not None:
                out.append(ex)
    return out


def _row_context(row: dict[str, Any]) -> tuple[str, ...]:
    """Context tokens for a hand-written line that says where it would stand (``section``,
    ``doc_type``, ``position``), built by the extractor's own ``context_tokens`` so the two
    cannot drift apart; no context when the line names none."""
    if not any(k in row for k in ("section", "doc_type", "position")):
        return ()
    from .document import Document
    from .extractors.statements import Context, context_tokens

    document = Document(id="", source="", format="txt", text="", doc_type=row.get("doc_type") or "other")
    ctx = Context("", row.get("section") or "", row.get("position") or "body")
    return tuple(context_tokens(document, ctx))


def _example(
    text: str, kind: str | None, category: str | None, source: str, context: tuple[str, ...] = ()
) -> Example | None:
    text = normalize(text.strip()).text.strip()
    if len(text) < 2 or kind not in KIND_LABELS:
        return None
    if category not in CATEGORIES:
        category = None
    if kind != "none" and category is None:
        log.debug("%s: statement without category: %s", source, text)
    return Example(text, kind, category if kind != "none" else None, source, context)


def _from_gold(gold_dir: Path, samples: Path) -> list[Example]:
    docs = {p.name: p for p in sorted(samples.rglob("*")) if p.is_file()}
    out = []
    for path in sorted(gold_dir.glob("*.gold.json")):
        gold = json.loads(path.read_text(encoding="utf-8"))
        name = gold.get("doc") or path.name[: -len(".gold.json")]
        statements = gold.get("statements", [])
        if name in docs and docs[name].suffix == ".txt":
            out += _from_document(docs[name], statements, name)
            continue
        for s in statements:  # document not at hand: the texts still teach the words
            ex = _example(s.get("text", ""), s.get("kind"), s.get("category"), name)
            if ex is not None:
                out.append(ex)
    return out


def _from_document(doc: Path, statements: list[dict[str, Any]], name: str) -> list[Example]:
    """Gold statements with the context they stand in, and the document's unlabelled sentences
    as ``none`` examples.

    Only clauses whose whole sentence is unlabelled count as ``none``: a clause next to a
    labelled one is often a restatement the annotator skipped (ANNOTATION.md), which would
    teach the model that "加强…" is no statement.
    """
    from .document import Document
    from .extractors import structure
    from .extractors.statements import context_tokens, sentence_contexts

    text = doc.read_text(encoding="utf-8")
    document = Document(id=name, source=name, format="txt", text=text)
    view = normalize(text)
    structure.annotate(document, view)
    units = split_units(view, text)
    contexts = sentence_contexts(document, view, units)
    starts = [view.origin[s.start] for s in units.sentences]
    labelled: list[tuple[int, int]] = []
    out = []
    cursor = 0
    for s in statements:
        t = s.get("text", "")
        i = text.find(t, cursor)
        i = text.find(t) if i < 0 else i
        ctx: tuple[str, ...] = ()
        if i >= 0 and t:
            labelled.append((i, i + len(t)))
            cursor = i
            k = max(0, bisect.bisect_right(starts, i) - 1)
            ctx = tuple(context_tokens(document, contexts[k])) if units.sentences else ()
        ex = _example(t, s.get("kind"), s.get("category"), name, ctx)
        if ex is not None:
            out.append(ex)
    for k, sent in enumerate(units.sentences):
        a, b = view.to_original(sent.start, sent.end)
        if any(a < e and s < b for s, e in labelled):
            continue
        for c in sent.clauses:
            ex = _example(units.clauses[c].text, "none", None, name, tuple(context_tokens(document, contexts[k])))
            if ex is not None and len(ex.text) >= 4:
                out.append(ex)
    return out


def _dedupe(examples: list[Example]) -> list[Example]:
    """One example per text; a text labelled differently keeps its most frequent label."""
    by_key: dict[tuple[str, tuple[str, ...]], list[Example]] = defaultdict(list)
    for ex in examples:
        by_key[(ex.text, ex.context)].append(ex)
    out = []
    for key in sorted(by_key):
        group = by_key[key]
        labels = Counter((e.kind, e.category) for e in group)
        # statements beat "none" on a tie: a none clause may just be unlabelled context
        (kind, category), _ = max(labels.items(), key=lambda kv: (kv[1], kv[0][0] != "none", kv[0]))
        out.append(Example(key[0], kind, category, min(e.source for e in group), key[1]))
    return out


# --- fitting ----------------------------------------------------------------------------------


def _fit_linear(x: Any, y: Sequence[str], labels: Sequence[str], c: float) -> LinearModel:
    from sklearn.linear_model import LogisticRegression

    present = [lab for lab in labels if lab in set(y)]
    # newton-cg: deterministic and ~15x faster than lbfgs on these sparse features
    clf = LogisticRegression(C=c, solver="newton-cg", max_iter=1000, class_weight="balanced", random_state=SEED)
    clf.fit(x, list(y))
    order = [list(clf.classes_).index(lab) for lab in present]
    coef, intercept = clf.coef_, clf.intercept_
    if len(present) == 2:  # binary: sklearn keeps one row; expand to one row per class
        coef = np.vstack([-coef[0] / 2, coef[0] / 2])
        intercept = np.array([-intercept[0] / 2, intercept[0] / 2])
        order = [list(clf.classes_).index(lab) for lab in present]
    return LinearModel(tuple(present), np.asarray(coef)[order], np.asarray(intercept)[order])


def fit(examples: Sequence[Example], features: Sequence[list[str]] | None = None) -> StatementModels:
    """Train both models on ``examples`` (features may be passed in to avoid re-segmenting)."""
    feats = list(features) if features is not None else [featurize(e.text, context=e.context) for e in examples]
    space = FeatureSpace.fit(feats)
    x = space.transform(feats)
    kind = _fit_linear(x, [e.kind for e in examples], KIND_LABELS, C_KIND)
    cat_idx = [i for i, e in enumerate(examples) if e.kind != "none" and e.category]
    # the category model leaves out the text x place conjunctions: where a statement stands
    # tells its kind, not its category (they only thinned out its evidence in CV)
    names = sorted(space.vocabulary, key=space.vocabulary.__getitem__)
    cols = np.array([j for j, f in enumerate(names) if not f.startswith(CONJUNCTION_PREFIXES)], dtype=np.int64)
    y = [examples[i].category or "" for i in cat_idx]
    category = _widen(_fit_linear(x[cat_idx][:, cols], y, CATEGORY_LABELS, C_CATEGORY), cols, len(names))
    return StatementModels(space, kind, category, {})


def _widen(model: LinearModel, cols: np.ndarray, width: int) -> LinearModel:
    """A model fitted on some columns, as one over all of them (zero weight elsewhere)."""
    coef = np.zeros((model.coef.shape[0], width))
    coef[:, cols] = model.coef
    return LinearModel(model.classes, coef, model.intercept)


def cross_validate(examples: Sequence[Example], features: Sequence[list[str]]) -> dict[str, dict[str, Any]]:
    """Grouped k-fold (no document or file on both sides): macro-F1 and confusion per model."""
    from sklearn.metrics import confusion_matrix, f1_score
    from sklearn.model_selection import StratifiedGroupKFold

    kinds = [e.kind for e in examples]
    groups = [e.source for e in examples]
    folds = StratifiedGroupKFold(n_splits=FOLDS, shuffle=True, random_state=SEED)
    pred_kind = [""] * len(examples)
    pred_cat: dict[int, str] = {}
    for train, test in folds.split(np.zeros(len(kinds)), kinds, groups):
        models = fit([examples[i] for i in train], [features[i] for i in train])
        x = models.space.transform([features[i] for i in test])
        kp, cp = models.kind.proba(x), models.category.proba(x)
        for row, i in enumerate(test):
            pred_kind[i] = models.kind.classes[int(kp[row].argmax())]
            if examples[i].kind != "none" and examples[i].category:
                pred_cat[i] = models.category.classes[int(cp[row].argmax())]
    cat_idx = sorted(pred_cat)
    # hand-written lines are cleaner than sentences cut from documents: report documents alone too
    in_doc = [not examples[i].source.endswith(".jsonl") for i in range(len(examples))]
    out = {}
    for name, idx, gold, pred, labels in (
        ("statement_kind", range(len(examples)), kinds, pred_kind, list(KIND_LABELS)),
        ("statement_category", cat_idx, [examples[i].category for i in cat_idx], [pred_cat[i] for i in cat_idx], list(CATEGORY_LABELS)),
    ):
        docs = [k for k, i in enumerate(idx) if in_doc[i]]
        out[name] = {
            "folds": FOLDS,
            "grouped_by": "source document or corpus file",
            "macro_f1": round(float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)), 4),
            "macro_f1_gold_documents": _macro_f1([gold[k] for k in docs], [pred[k] for k in docs], labels),
            "per_class_f1": {
                lab: round(float(f), 4)
                for lab, f in zip(labels, f1_score(gold, pred, labels=labels, average=None, zero_division=0))
            },
            "confusion_matrix": {"labels": labels, "rows_gold_cols_pred": confusion_matrix(gold, pred, labels=labels).tolist()},
        }
    return out


def _macro_f1(gold: Sequence[Any], pred: Sequence[Any], labels: list[str]) -> float | None:
    from sklearn.metrics import f1_score

    if not gold:
        return None
    return round(float(f1_score(gold, pred, labels=labels, average="macro", zero_division=0)), 4)


def _card(name: str, examples: Sequence[Example], cv: dict[str, Any], task: str) -> dict[str, Any]:
    labels = [e.kind for e in examples] if name == "statement_kind" else [e.category for e in examples if e.kind != "none" and e.category]
    return {
        "model": name,
        "task": task,
        "files": ["models/statements.json", "models/statements.npz"],
        "features": (
            "TF-IDF (sublinear tf, l2) over jieba words, word bigrams, character 2-3-grams, first/last two "
            "characters, context tokens (section kind from the headings, document type, item position), "
            "their pairs, section x word and document type x word"
            + (" (the category model is fitted without the pairs and x-word features)" if name != "statement_kind" else "")
        ),
        "classifier": f"LogisticRegression(C={C_KIND if name == 'statement_kind' else C_CATEGORY}, class_weight=balanced)",
        "data": {
            "examples": len(labels),
            "by_class": dict(sorted(Counter(labels).items())),
            "sources": len({e.source for e in examples}),
            "from": ["corpora/statements/*.jsonl", "corpora/gold/*.gold.json (+ unlabelled clauses of corpora/samples as none)"],
        },
        "cross_validation": cv,
        "date": _dt.date.today().isoformat(),
    }


def train(corpora: Path | None = None, out_dir: Path | None = None, with_cv: bool = True) -> dict[str, Any]:
    """Collect, (cross-)validate, fit and write models; returns the two model cards."""
    corpora = corpora or repo_root() / "corpora"
    out_dir = out_dir or model_dir()
    examples = collect(corpora)
    if not examples:
        raise ValueError(f"{corpora}: no labelled statements found (corpora/statements/*.jsonl, corpora/gold/)")
    features = [featurize(e.text, context=e.context) for e in examples]
    cv = cross_validate(examples, features) if with_cv else {"statement_kind": {}, "statement_category": {}}
    models = fit(examples, features)
    cards = {
        "statement_kind": _card("statement_kind", examples, cv["statement_kind"], "issue / recommendation / measure / rectification / none"),
        "statement_category": _card("statement_category", examples, cv["statement_category"], "budget / policy / management"),
    }
    meta = {name: {"examples": card["data"]["examples"], "cv_macro_f1": card["cross_validation"].get("macro_f1")} for name, card in cards.items()}
    save_models(StatementModels(models.space, models.kind, models.category, meta), out_dir)
    for name, card in cards.items():
        (out_dir / f"{name}.card.json").write_text(json.dumps(card, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    return cards


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point for ``python -m reportmine.training`` (``reportmine train`` calls :func:`train`)."""
    import argparse

    parser = argparse.ArgumentParser(prog="reportmine-train", description=__doc__.splitlines()[0])
    parser.add_argument("--corpora", type=Path, default=None)
    parser.add_argument("--out", type=Path, default=None)
    parser.add_argument("--no-cv", action="store_true")
    args = parser.parse_args(argv)
    logging.basicConfig(level=logging.INFO, format="%(message)s")
    cards = train(args.corpora, args.out, with_cv=not args.no_cv)
    for name, card in cards.items():
        log.info("%s: %d examples, cv macro-F1 %s", name, card["data"]["examples"], card["cross_validation"].get("macro_f1"))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
