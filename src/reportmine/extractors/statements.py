"""Issues, recommendations, measures and rectifications, each with a category and a confidence.

Clauses (units.py) are judged one by one: the trained model's kind probabilities for the clause
and for its whole sentence, a prior from the section heading it sits under, and cue words.
Runs of clauses of one kind then become statements, cut where the point changes (a new problem
with its own cue, a change of category, a parallel ``对…,对…``), following ANNOTATION.md:
a numbered item's lead is one statement, body clauses that only elaborate a planned measure
are not labelled again, headings of plan sections and bare labels ("提高认识") are not statements.
"""

from __future__ import annotations

import bisect
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse

from ..document import Document, Span, Statement
from ..normalize import NormalizedText, normalize
from ..segmentation import segment
from . import claims, classify, cues
from .units import Sentence, Units, split_units

_SENTENCE_WEIGHT = 0.5  # the sentence's model scores count half as much as the clause's own
_PRIOR_WEIGHT = 0.25  # the model already sees the section kind; the hand prior only steadies it
_SHORT_LEAD = 4  # "提高认识", "数量指标": a label for the body that follows, not a statement
_MIN_LEN = 4


@dataclass(slots=True)
class Context:
    path: str  # heading path, " > "-joined
    kind: str  # the section kind the headings point to ("" when unknown)
    position: str = "body"  # heading, lead (right after a list marker) or body


@dataclass(slots=True)
class Judged:
    kind: str
    confidence: float
    category: dict[str, float] | None


@dataclass(slots=True)
class Group:
    start: int  # view offsets
    end: int
    kind: str
    confidence: float
    sentence: int
    clauses: list[int]
    category: str = "management"
    category_confidence: float = 0.0
    aggregate: bool = False  # widened to a claim about many recommendations


def find_statements(document: Document, view: NormalizedText) -> list[Statement]:
    """Every statement in ``document``, in text order, spans in the original text.

    >>> from reportmine.normalize import normalize  # doctest: +SKIP
    """
    units = split_units(view, document.text)
    if not units.clauses:
        return []
    contexts = sentence_contexts(document, view, units)
    models = classify.get_models()
    settled = _settled_none(units, contexts)
    counts = _clause_counts(document, view.text, units, contexts, models, settled) if models is not None else None
    judged = judge_clauses(units, contexts, view.text, counts, models)
    groups = [g for s in range(len(units.sentences)) for g in _group_sentence(units, judged, s)]
    groups += _pattern_groups(units, view.text, contexts)
    groups = _dedupe(groups)
    groups = _widen_to_claims(units, view.text, groups)
    groups = [g for g in groups if _keep(units, units.sentences[g.sentence], g)]
    groups = _merge_measure_bodies(units, groups)
    if counts is not None and any(c in settled for g in groups if not g.aggregate for c in g.clauses):
        # a pattern took a clause whose features were skipped: its category needs them after all
        counts = _clause_counts(document, view.text, units, contexts, models, set())
    _set_categories(groups, units, counts, models)
    groups = _drop_elaborations(units, groups)
    return [_statement(document, view, g, contexts[g.sentence]) for g in groups]


def _settled_none(units: Units, contexts: Sequence[Context]) -> set[int]:
    """Clauses that are "none" whatever the model says: every clause of a sentence in a
    description section ("none": achievements, background) that holds no cue word licensing
    another kind (``judge_clauses`` masks every other kind there). Real reports are mostly
    such prose (two thirds of the development seeds' clauses), so they are not featurised."""
    out: set[int] = set()
    for s, ctx in zip(units.sentences, contexts):
        if ctx.kind == "none" and not any(cues.kind_cues(units.clauses[c].text)[1] for c in s.clauses):
            out.update(s.clauses)
    return out


def _clause_counts(
    document: Document, text: str, units: Units, contexts: Sequence[Context], models: classify.StatementModels,
    settled: set[int],
) -> sparse.csr_matrix:
    """Feature counts of every clause (``FeatureSpace.counts`` of their ``featurize`` lists),
    from one jieba pass over the whole text; an empty row for a ``settled`` clause."""
    seg = segment(text)  # cached: the search index reuses the same cut of this text
    starts, ends, all_words = seg.starts, seg.ends, seg.words
    tokens = [tuple(context_tokens(document, ctx)) for ctx in contexts]  # a sentence's clauses share them
    clauses: list[tuple[str, list[str], tuple[str, ...]]] = []
    for i, c in enumerate(units.clauses):
        if i in settled:
            clauses.append(("", [], ()))
            continue
        lo = bisect.bisect_left(starts, c.start)
        hi = bisect.bisect_left(starts, c.end, lo)
        words = all_words[lo:hi]  # the words starting inside the clause; the last cut at its end
        if words and ends[hi - 1] > c.end:
            words[-1] = text[starts[hi - 1] : c.end]
        clauses.append((c.text, words, tokens[c.sentence]))
    return models.space.text_counts(clauses)


# --- context -----------------------------------------------------------------------------


def sentence_contexts(document: Document, view: NormalizedText, units: Units) -> list[Context]:
    """Heading path and section kind for each sentence.

    A label sentence (``整改措施:``) or ``下一步…`` switches the kind until the next heading.
    Sections no heading names are achievements ("none") in a document that names other
    sections, plans in a rectification report, points in a proposal.
    """
    out: list[Context] = []
    override: str | None = None
    last_heads: list[str] = []
    override_paragraph = -1
    listed = _listed_paragraphs(units)
    kinds: dict[tuple[str, ...], str] = {}  # a heading path's kind, worked out once
    for i, (s, heads) in enumerate(zip(units.sentences, _heading_paths(document, view, units))):
        if heads != last_heads or s.heading or (s.paragraph != override_paragraph and s.paragraph not in listed
                                               and s.paragraph + 1 not in listed):
            # A plan paragraph governs the items after it, not the sign-off; an unlisted paragraph
            # between two items (a page break, a continued item) does not end the list.
            override = None
        last_heads = heads
        kind = kinds.get(tuple(heads))
        if kind is None:
            kind = kinds[tuple(heads)] = cues.section_kind(heads)
        if cues.LABEL.match(s.text) and cues.section_kind([s.text]) not in ("", "none"):
            override = cues.section_kind([s.text])
        elif not s.heading and kind in ("", "none", "rectification") and cues.PLAN_SWITCH.match(s.text):
            override, override_paragraph = "measure", s.paragraph
        position = "heading" if s.heading else "lead" if s.lead else "body"
        out.append(Context(" > ".join(heads), override or kind, position))
    default = _default_kind(document, out)
    for ctx in out:
        if not ctx.kind:
            ctx.kind = default
    return out


def _listed_paragraphs(units: Units) -> set[int]:
    """Paragraphs that open with a list marker (``一是…``, ``(二)…``)."""
    out, seen = set(), set()
    for s in units.sentences:
        if s.paragraph not in seen:
            seen.add(s.paragraph)
            if s.lead:
                out.add(s.paragraph)
    return out


def context_tokens(document: Document, ctx: Context) -> list[str]:
    """What the classifier is told about where a clause stands (training uses the same)."""
    return ["sec=" + (ctx.kind or "unknown"), "doc=" + document.doc_type, "pos=" + ctx.position]


def _default_kind(document: Document, contexts: list[Context]) -> str:
    if document.doc_type == "rectification_report":
        return "rectification_measure"
    if document.doc_type == "proposal":
        return "recommendation"
    if any(c.kind not in ("", "none") for c in contexts):
        return "none"
    return ""


def _heading_paths(document: Document, view: NormalizedText, units: Units) -> list[list[str]]:
    """The headings each sentence stands under, outermost first."""
    if not document.sections:
        return [_own_headings(units, i) for i in range(len(units.sentences))]
    ordered = sorted((x for x in document.sections if x.level >= 1), key=lambda x: (x.level, x.span.start))
    # headings are original text: fold them like the view (traditional -> simplified, widths)
    folded = [normalize(x.heading).text for x in ordered]
    spans = [(x.span.start, x.span.end) for x in ordered]
    # the path changes only where a section starts or ends: one per stretch between those
    bounds = sorted({p for span in spans for p in span})
    paths: dict[int, list[str]] = {}
    origin = view.origin
    out = []
    for s in units.sentences:
        orig = origin[s.start]
        k = bisect.bisect_right(bounds, orig)
        path = paths.get(k)
        if path is None:
            path = paths[k] = [f for (a, b), f in zip(spans, folded) if a <= orig < b]
        out.append(path)
    return out


def _own_headings(units: Units, sentence: int) -> list[str]:
    """Fallback when structure found no sections: the lead sentences of enclosing items."""
    heads: list[str] = []
    item = units.sentences[sentence].item
    while item is not None:
        it = units.items[item]
        if it.level < 5 and it.sentences:
            lead = units.sentences[it.sentences[0]]
            heads.append(it.marker + lead.text.rstrip("。:"))
        item = it.parent
    return heads[::-1]


# --- kinds ------------------------------------------------------------------------------


def judge_clauses(
    units: Units, contexts: Sequence[Context], text: str = "",
    counts: sparse.csr_matrix | None = None, models: classify.StatementModels | None = None,
) -> list[Judged]:
    """Kind, confidence and category probabilities for every clause.

    Model log-probabilities (clause, and half-weighted sentence) plus the section prior plus cue
    bonuses. A kind foreign to the section (a measure among achievements, a recommendation in a
    plan) needs its own cue word: the model alone cannot tell "加大宣传力度" done from planned.
    ``counts`` are the clauses' feature counts (``_clause_counts``) and ``models`` the loaded
    models; without them the judgement rests on the prior and the cues alone.
    """
    scores = _clause_scores(units, counts, models)
    kinds = cues.KINDS  # every row below is in this order
    clauses = units.clauses
    if not clauses:
        return []
    weight = _PRIOR_WEIGHT if scores is not None else 1.0
    sections = [contexts[c.sentence].kind for c in clauses]
    cued = [cues.kind_cues(c.text) for c in clauses]
    # one row per section kind and per (section, cue set), worked out once, then a row per clause
    priors = {k: [weight * math.log(cues.PRIORS[k][x]) for x in kinds] for k in set(sections)}
    logits = np.array([priors[k] for k in sections]) + np.array([bonus for bonus, _ in cued])
    if scores is not None:
        sentence_logs = _SENTENCE_WEIGHT * np.log(scores.sentence_kind + 1e-6)
        logits = (logits + np.log(scores.kind + 1e-6)) + sentence_logs[[c.sentence for c in clauses]]
    masks: dict[tuple[str, frozenset[str]], list[bool]] = {}  # kinds a section allows, per cue set
    allowed = []
    for section, (_, named) in zip(sections, cued):
        mask = masks.get((section, named))
        if mask is None:
            family = cues.SECTION_FAMILY[section] | named if section else set(kinds)
            mask = masks[(section, named)] = [k == "none" or k in family for k in kinds]
        allowed.append(mask)
    logits[~np.array(allowed)] = -np.inf
    best, confidence = _argmax_softmax_rows(logits)
    categories = scores.category if scores is not None else [None] * len(clauses)
    out = [Judged(kinds[b], c, cat) for b, c, cat in zip(best.tolist(), confidence.tolist(), categories)]
    if text:
        _concessions(units, text, out)
    return out


@dataclass(slots=True)
class _ClauseScores:
    kind: np.ndarray  # a row per clause, in cues.KINDS order (1e-6 for a kind the model lacks)
    category: list[dict[str, float]]  # per clause
    sentence_kind: np.ndarray  # a row per sentence, in cues.KINDS order


def _clause_scores(
    units: Units, counts: sparse.csr_matrix | None, models: classify.StatementModels | None,
) -> _ClauseScores | None:
    """The model's probabilities for every clause and every sentence; None without models.

    A sentence's features are its clauses' features together, so its counts are the sum of
    theirs: nothing is looked up twice.
    """
    if models is None or counts is None:
        return None
    n = counts.shape[0]
    # clauses and sentences weighed and scored as one batch (a sentence's category is not used)
    rows = summed_counts(counts, [(c,) for c in range(n)] + [s.clauses for s in units.sentences])
    kind, category = models.proba(models.space.weigh(rows))
    kinds = _in_kinds_order(kind, models.kind.classes)
    cats = models.category.classes
    return _ClauseScores(kinds[:n], [dict(zip(cats, row)) for row in category[:n].tolist()], kinds[n:])


def _in_kinds_order(proba: np.ndarray, classes: Sequence[str]) -> np.ndarray:
    out = np.full((proba.shape[0], len(cues.KINDS)), 1e-6)
    for col, k in enumerate(cues.KINDS):
        if k in classes:
            out[:, col] = proba[:, classes.index(k)]
    return out


def summed_counts(counts: sparse.csr_matrix, rows: Sequence[Sequence[int]]) -> sparse.csr_matrix:
    """Counts of texts made of clauses, each ``rows`` entry listing its clauses' rows in ``counts``:
    the counts of their features together (canonical, as ``FeatureSpace.counts`` gives)."""
    flat = [c for r in rows for c in r]
    indptr = [0]
    for r in rows:
        indptr.append(indptr[-1] + len(r))
    pick = sparse.csr_matrix(([1.0] * len(flat), flat, indptr), shape=(len(rows), counts.shape[0]))
    out = pick @ counts
    out.sort_indices()
    return out


def _concessions(units: Units, text: str, judged: list[Judged]) -> None:
    """"A已形成,且成效明显,但B薄弱": clauses before a 但 are conceded, not complained about."""
    for s in units.sentences:
        cs = s.clauses
        for pos in range(1, len(cs)):
            gap = text[units.clauses[cs[pos - 1]].end : units.clauses[cs[pos]].start + 2]
            if cues.CONTRAST.search(gap):
                for c in cs[:pos]:
                    if judged[c].kind == "issue" and not cues.has_issue_cue(units.clauses[c].text):
                        judged[c].kind = "none"


def _argmax_softmax_rows(logits: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """:func:`_argmax_softmax` for a row of logits per clause: (column, probability) per row."""
    exp = np.exp(logits - logits.max(axis=1, keepdims=True))
    best = exp.argmax(axis=1)
    return best, exp[np.arange(len(exp)), best] / exp.sum(axis=1)


def _argmax_softmax(logits: dict[str, float]) -> tuple[str, float]:
    top = max(logits.values())
    exp = {k: math.exp(v - top) for k, v in logits.items()}
    kind = max(exp, key=exp.__getitem__)
    return kind, exp[kind] / sum(exp.values())


# --- grouping ---------------------------------------------------------------------------


def _group_sentence(units: Units, judged: list[Judged], s: int) -> list[Group]:
    """Runs of same-kind clauses, cut where a new point starts.

    A none clause inside a run (``用管理出效益``) is bridged when the run goes on after it; an
    adverbial opener (``根据…思路``, ``在…基础上``) joins the clause it leads into; a topic
    clause before ``是…`` (``推进X改革,是…重要举措``) is a description, not an action.
    """
    clauses = units.sentences[s].clauses
    kinds = [judged[c].kind for c in clauses]
    for k in range(len(clauses)):
        if units.clauses[clauses[k]].text.startswith("是"):
            kinds[k] = "none"
            if k:
                kinds[k - 1] = "none"
    groups: list[Group] = []
    current: Group | None = None
    pending: list[int] = []  # none clauses seen since the current run's last clause
    prefix: int | None = None
    for pos, c in enumerate(clauses):
        clause, kind = units.clauses[c], kinds[pos]
        if cues.PREFIX.match(clause.text) and pos + 1 < len(clauses):
            prefix = c if prefix is None else prefix
            if current is None or kind == "none":
                continue
        if kind == "none":
            if current is not None and (cues.DEPENDENT.match(clause.text) or len(clause.text) < 8):
                pending.append(c)
            else:
                current, pending = None, []
            continue
        if current is not None and current.kind == kind and not _new_point(units, judged, current, c):
            current.end = clause.end
            current.clauses += pending + [c]
            current.confidence = max(current.confidence, judged[c].confidence)
            pending, prefix = [], None
            continue
        if current is not None and pending and current.kind == "issue":
            current.end = units.clauses[pending[-1]].end  # "…不高,导致…": a consequence stays with it
        start = units.clauses[prefix].start if prefix is not None else clause.start
        current = Group(start, clause.end, kind, judged[c].confidence, s, ([prefix] if prefix is not None else []) + [c])
        groups.append(current)
        pending, prefix = [], None
    if current is not None and pending and current.kind == "issue":
        current.end = units.clauses[pending[-1]].end
    return groups


def _new_point(units: Units, judged: list[Judged], group: Group, c: int) -> bool:
    """Whether clause ``c`` starts a new statement rather than continuing ``group``."""
    text = units.clauses[c].text
    so_far = "".join(units.clauses[x].text for x in group.clauses)
    if group.kind == "issue":
        if cues.DEPENDENT.match(text):
            return False
        if "存在" in so_far and not re.search(r"存在.*(?:问题|情况|现象|风险|隐患|不足)", so_far):
            return False  # "存在A,B的问题" is one point
        return (
            cues.has_issue_cue(so_far) and cues.has_issue_cue(text)
            and len(text) >= 8 and not cues.COUNT_FIGURE.search(text)
            and not _CONTINUES_SUBJECT.match(text)
        )
    if _parallel_target(text) and _parallel_count(units, c) >= 2:
        return True  # "对A予以调整,对B削减或取消": parallel targets, parallel measures
    if cues.DEPENDENT.match(text) or group.kind == "rectification":
        return False  # a record of what was done reads as one act, whatever it touched
    return _category_changes(judged[group.clauses[-1]], judged[c])


def _parallel_count(units: Units, c: int) -> int:
    """How many clauses of ``c``'s sentence open on a target ``对…``."""
    sentence = units.sentences[units.clauses[c].sentence]
    return sum(1 for x in sentence.clauses if _parallel_target(units.clauses[x].text))


# "…不够深入,不能实事求是…": a clause opening on a negation goes on about the same subject
_CONTINUES_SUBJECT = re.compile(r"(?:不|未|没有|难以|缺乏|缺少|无法|尚未|仍|也|又|还|或)")


def _parallel_target(text: str) -> bool:
    """``对低效资金削减或取消``; not ``对所有项目下达资金时`` (a time, not a target)."""
    return text.startswith("对") and len(text) >= 8 and not re.search(r"(?:时|前|后|中|期间)$", text)


def _category_changes(a: Judged, b: Judged) -> bool:
    if a.category is None or b.category is None:
        return False
    ca = max(a.category, key=a.category.__getitem__)
    cb = max(b.category, key=b.category.__getitem__)
    return ca != cb and a.category[ca] > 0.7 and b.category[cb] > 0.7


# --- list patterns ----------------------------------------------------------------------

_ABOUT = re.compile(r"关于(?P<x>[^《》“”]{4,80}?)的(?P<k>问题|建议|议案)")
# A reply or rectification report answers point by point under headings "一、关于X".
_ABOUT_HEADING = re.compile(r"^关于(?P<x>[^《》“”]{4,60}?)(?:的(?P<k>问题|建议|意见|议案))?$")
_EXIST_LIST = re.compile(r"(?:存在|指出的?|反映的?|提到的?|提出的)(?P<x>[^,;。]{8,120}?)等(?:方面的)?问题")
_PROPOSED_LIST = re.compile(r"提出(?:了)?(?P<x>[^,;。]{8,160}?)等(?:方面的)?(?:意见建议|意见和建议|建议|意见)")
_ACTION = re.compile(
    r"^(?:建立|健全|完善|加强|实行|实施|调整|提高|优化|规范|明确|制定|修订|出台|取消|压减|削减|加快|推进|强化|落实|开展"
    r"|加大|严格|严控|控制|杜绝|防止|细化|统筹|整合|清理|设立|建设|推动|做好|改进|探索|研究|降低|减少|增加|扩大|合并|撤销"
    r"|提高|提升|加快|规范|单列|修订|改革|公开|组建|开展|调减|调增|压缩|收回|推行|引入|简化)"
)
_LIST_SEP = re.compile(r"、|和(?=[^、]{4,}$)|及(?=[^、]{4,}$)|以及")


def _pattern_groups(units: Units, text: str, contexts: Sequence[Context]) -> list[Group]:
    """Statements that sit inside one clause: ``关于X的问题``, ``存在A、B等问题``, ``提出建立…、实行…等建议``."""
    out: list[Group] = []
    for si, s in enumerate(units.sentences):
        heading = _ABOUT_HEADING.match(s.text.rstrip("。:")) if s.heading or s.lead else None
        if heading and not heading["k"] and not _skip_about(heading["x"]):
            a = s.start + heading.start("x")
            point = heading["x"]
            kind = "issue" if cues.has_issue_cue(point) and not _ACTION.match(point) else "recommendation"
            out += _list_items(text, a, a + len(heading["x"]), kind, si, whole_ok=True)
        for m in _ABOUT.finditer(text, s.start, s.end):
            if _skip_about(m["x"]):
                continue
            kind = "issue" if m["k"] == "问题" else "recommendation"
            out += _list_items(text, m.start("x"), m.end("x"), kind, si, whole_ok=True)
        for c in s.clauses:
            clause = units.clauses[c]
            if cues.ADVICE_GIVEN.search(clause.text) and not cues.MEASURE.search(clause.text) and contexts[si].kind != "measure":
                out.append(Group(clause.start, clause.end, "recommendation", 0.8, si, [c]))  # "针对…提出多项建议"
        for rx, kind in ((_EXIST_LIST, "issue"), (_PROPOSED_LIST, "recommendation")):
            for m in rx.finditer(text, s.start, s.end):
                out += _list_items(text, m.start("x"), m.end("x"), kind, si, whole_ok=False)
    return out


def _skip_about(x: str) -> bool:
    """"关于区十九届人大三次会议DH230号建议的复函": a document's name, not a point."""
    return bool(re.search(r"会议|号|第.{1,3}次|复函|答复|办理情况|情况的?报告|报告$|总结$|情况$|通知$|函$|办法$|方案$", x))


def _list_items(text: str, a: int, b: int, kind: str, sentence: int, whole_ok: bool) -> list[Group]:
    """``A、B和C`` as one group per part when every part is a point of its own.

    Otherwise the whole list as one group if ``whole_ok`` (and, for issues, it names a problem),
    else nothing, leaving the clause's own judgement in place.
    """
    parts, pos = [], a
    for m in _LIST_SEP.finditer(text, a, b):
        parts.append((pos, m.start()))
        pos = m.end()
    parts.append((pos, b))
    own = cues.has_issue_cue if kind == "issue" else _ACTION.search
    long_enough = len(parts) > 1 and all(e - s >= _MIN_LEN for s, e in parts)
    # two short parts may be one compound point ("指标偏移、针对性不强等问题"); three listed
    # before "等问题" are problems by construction
    if long_enough and (len(parts) >= 3 and kind == "issue" or all(own(text[s:e]) for s, e in parts)):
        return [Group(s, e, kind, 0.9, sentence, []) for s, e in parts]
    if whole_ok and (kind != "issue" or cues.has_issue_cue(text[a:b])):
        return [Group(a, b, kind, 0.9, sentence, [])]
    return []


def _dedupe(groups: list[Group]) -> list[Group]:
    """Pattern groups replace the clause groups they fall inside."""
    patterned = [g for g in groups if not g.clauses]
    kept = [
        g for g in groups
        if g.clauses and not any(p.sentence == g.sentence and p.start < g.end and g.start < p.end for p in patterned)
    ]
    return sorted(kept + patterned, key=lambda g: (g.start, g.end))


def _widen_to_claims(units: Units, text: str, groups: list[Group]) -> list[Group]:
    """A rectification statement covers its claim's count (``形成意见和建议117条,现已全部落实整改``).

    Claims of one sentence make one statement; groups inside that span are absorbed.
    """
    spans: list[list[int]] = []
    for c in claims.claim_spans(text):
        if c.status == "required":
            continue
        if spans and _sentence_at(units, c.start) == _sentence_at(units, spans[-1][0]):
            spans[-1][1] = max(spans[-1][1], c.end)
        else:
            spans.append([c.start, c.end])
    for a, b in spans:
        advice = [g for g in groups if g.start < b and a < g.end and g.kind == "recommendation" and not g.clauses]
        if advice:  # "提出了建立…、实行…等意见建议,均得到落实": the advice stays, the record follows it
            a = max(g.end for g in advice)
            a += len(text[a:b]) - len(text[a:b].lstrip("等意见和建议,，、 "))
        inside = [g for g in groups if g.start < b and a < g.end]
        if any(g.kind not in ("rectification", "recommendation") for g in inside if g.clauses):
            if not any(g.kind == "rectification" for g in inside):
                continue  # the claim sits in an issue or plan: leave those statements alone
        a = min([a] + [g.start for g in inside if g.kind == "rectification"])
        b = max([b] + [g.end for g in inside if g.kind == "rectification"])
        s = _sentence_at(units, a)
        members = [i for i in units.sentences[s].clauses if a <= units.clauses[i].start < b] if s is not None else []
        groups = [g for g in groups if not (g.start < b and a < g.end)]
        groups.append(Group(a, b, "rectification", 0.9, s if s is not None else 0, members, aggregate=True))
    return sorted(groups, key=lambda g: (g.start, g.end))


def _sentence_at(units: Units, pos: int) -> int | None:
    i = bisect.bisect_right([s.start for s in units.sentences], pos) - 1
    if i >= 0 and pos < units.sentences[i].end:
        return i
    return None


# --- categories and granularity ------------------------------------------------------------


def _set_categories(
    groups: list[Group], units: Units, counts: sparse.csr_matrix | None,
    models: classify.StatementModels | None = None,
) -> None:
    models = models or classify.get_models()
    probs: list[dict[str, float]] = []
    if models is not None and counts is not None and groups:
        # clause groups sum their clauses' counts; a pattern group is cut from its own text;
        # an aggregate's category is fixed, so it is not scored
        clausal = [i for i, g in enumerate(groups) if g.clauses and not g.aggregate]
        patterned = [i for i, g in enumerate(groups) if not g.clauses and not g.aggregate]
        parts = []
        if clausal:
            parts.append(summed_counts(counts, [groups[i].clauses for i in clausal]))
        if patterned:
            parts.append(models.space.text_counts([(units_text(units, groups[i]), None, ()) for i in patterned]))
        found: list[dict[str, float]] = []
        if parts:
            rows = parts[0] if len(parts) == 1 else sparse.vstack(parts, format="csr")
            cats = models.category.classes
            found = [dict(zip(cats, row)) for row in models.proba(models.space.weigh(rows))[1].tolist()]
        probs = [{}] * len(groups)
        for k, i in enumerate(clausal + patterned):
            probs[i] = found[k]
    for i, g in enumerate(groups):
        if g.aggregate:
            # a record that many recommendations were acted on is about how the work is run,
            # whatever the recommendations were about (their split is a tally, claims.py)
            g.category, g.category_confidence = "management", 0.9
        elif not probs:
            g.category, g.category_confidence = cues.cue_category(units_text(units, g)), 0.5
        else:
            bonus = cues.category_bonus(units_text(units, g))
            logits = {k: math.log(p + 1e-9) + bonus.get(k, 0.0) for k, p in probs[i].items()}
            g.category, g.category_confidence = _argmax_softmax(logits)


def units_text(units: Units, g: Group) -> str:
    """The text a group covers (clause texts, or the view slice for a pattern group)."""
    if g.clauses:
        return "".join(units.clauses[c].text for c in g.clauses)
    return units.view_text[g.start : g.end]


def _measure_items(units: Units, groups: list[Group]) -> dict[int, Group]:
    """Items whose lead sentence is itself a planned measure: item -> the lead's first group."""
    leads: dict[int, Group] = {}
    for g in groups:
        s = units.sentences[g.sentence]
        if s.lead and s.item is not None and g.kind == "measure" and g.clauses:
            leads.setdefault(s.item, g)
    return leads


def _merge_measure_bodies(units: Units, groups: list[Group]) -> list[Group]:
    """In the body of such an item a sentence is one candidate (parallel ``对…`` parts aside):
    it is kept only if it adds a point of its own, which is judged on the whole sentence."""
    leads = _measure_items(units, groups)
    out: list[Group] = []
    for g in groups:
        s = units.sentences[g.sentence]
        prev = out[-1] if out else None
        if (
            prev is not None and prev.sentence == g.sentence and prev.kind == g.kind == "measure"
            and s.item in leads and not s.lead and g.clauses and prev.clauses
            and not _parallel_target(units.clauses[g.clauses[0]].text)
        ):
            between = [c for c in s.clauses if prev.clauses[-1] < c < g.clauses[0]]
            prev.clauses += between + g.clauses
            prev.end = g.end
            continue
        out.append(g)
    return out


def _drop_elaborations(units: Units, groups: list[Group]) -> list[Group]:
    leads = _measure_items(units, groups)
    return [
        g for g in groups
        if not (
            g.kind == "measure" and g.clauses and units.sentences[g.sentence].item in leads
            and not units.sentences[g.sentence].lead
            and not _distinct_from_lead(units, g, leads[units.sentences[g.sentence].item or 0])
        )
    ]


def _keep(units: Units, s: Sentence, g: Group) -> bool:
    if g.end - g.start < _MIN_LEN or s.appendix:
        return False
    if not g.clauses:
        return True  # pattern statements were matched on purpose
    if cues.INTRO.search(s.text.rstrip("。")) or _is_summary(s.text):
        return False
    if cues.BARE_COUNT.match(units_text(units, g)):
        return False
    item = units.items[s.item] if s.item is not None else None
    if s.heading:
        # a plan heading heads the points below it; one with nothing below is a point itself
        bare = item is not None and len(item.sentences) == 1 and not item.children
        return (g.kind in ("issue", "recommendation") or bare) and item is not None and not _is_title(s.text)
    if s.lead and item is not None:
        if len(s.text.rstrip("。:")) <= _SHORT_LEAD:
            return False
        if item.children and g.kind != "issue":
            return False
    return True


def _is_title(text: str) -> bool:
    """A section title ("四、存在问题", "五、有关建议") rather than a point of its own."""
    core = re.sub(r"[^\u4e00-\u9fff]", "", text)
    return len(core) <= 12 and cues.section_kind([core]) not in ("", "none")


def _is_summary(text: str) -> bool:
    """``下一步,我们将在A、B和C等方面持续…``: a preview of the items that follow."""
    return bool(cues.PLAN_SWITCH.match(text)) and "等方面" in text


def _distinct_from_lead(units: Units, g: Group, lead: Group) -> bool:
    """Body clauses of a planned item count only when they add a point the lead does not make:
    a figure, a ``同时``, a commitment with a horizon, a parallel ``对…`` part, another category."""
    text = units_text(units, g)
    opener = units.sentences[g.sentence].text
    return (
        bool(cues.COUNT_FIGURE.search(text))
        or opener.startswith(("同时", "此外", "另外"))
        or bool(re.search(r"力争|争取|计划", text) or cues.MEASURE.search(text))
        or _parallel_target(units.clauses[g.clauses[0]].text)
        or (g.category != lead.category and g.category_confidence >= 0.6)
    )


def _statement(document: Document, view: NormalizedText, g: Group, ctx: Context) -> Statement:
    start, end = view.to_original(g.start, g.end)
    return Statement(
        span=Span(start, end),
        text=document.text[start:end],
        kind=g.kind,
        category=g.category,
        confidence=round(g.confidence, 3),
        section=ctx.path,
    )
