"""Issues, recommendations, measures and rectifications, each with a category and a confidence.

Clauses (units.py) are judged one by one: the trained model's kind probabilities for the clause
and for its whole sentence, a prior from the section heading it sits under, and cue words.
Runs of clauses of one kind then become statements, cut where the point changes (a new problem
with its own cue, a change of category, a parallel ``对…,对…``), following ANNOTATION.md:
a numbered item's lead is one statement, body clauses that only elaborate a planned measure
are not labelled again, headings of plan sections and bare labels ("提高认识") are not statements.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from ..document import Document, Span, Statement
from ..normalize import NormalizedText
from . import classify, cues
from .units import Sentence, Units, split_units

_SENTENCE_WEIGHT = 0.5  # the sentence's model scores count half as much as the clause's own
_SHORT_LEAD = 4  # "提高认识", "数量指标": a label for the body that follows, not a statement
_MIN_LEN = 4


@dataclass(slots=True)
class Context:
    path: str  # heading path, " > "-joined
    kind: str  # the section kind the headings point to ("" when unknown)


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


def find_statements(document: Document, view: NormalizedText) -> list[Statement]:
    """Every statement in ``document``, in text order, spans in the original text.

    >>> from reportmine.normalize import normalize  # doctest: +SKIP
    """
    units = split_units(view, document.text)
    if not units.clauses:
        return []
    contexts = sentence_contexts(document, view, units)
    features = [classify.featurize(c.text) for c in units.clauses]
    judged = judge_clauses(units, contexts, features)
    groups = [g for s in range(len(units.sentences)) for g in _group_sentence(units, judged, s)]
    groups += _pattern_groups(units, view.text, contexts)
    groups = _dedupe(groups)
    _set_categories(groups, units, features, judged)
    groups = _granularity(units, contexts, groups)
    return [_statement(document, view, g, contexts[g.sentence]) for g in groups]


# --- context -----------------------------------------------------------------------------


def sentence_contexts(document: Document, view: NormalizedText, units: Units) -> list[Context]:
    """Heading path and section kind for each sentence; ``下一步…`` switches the rest to plans."""
    out: list[Context] = []
    override: str | None = None
    last_heads: list[str] = []
    for s in units.sentences:
        heads = _headings(document, view, units, s.start)
        if heads != last_heads or s.heading:
            override = None
        last_heads = heads
        kind = cues.section_kind(heads)
        if not s.heading and kind in ("", "none", "rectification") and cues.PLAN_SWITCH.match(s.text):
            override = "measure"
        out.append(Context(" > ".join(heads), override or kind))
    return out


def _headings(document: Document, view: NormalizedText, units: Units, pos: int) -> list[str]:
    if document.sections:
        orig = view.origin[pos]
        inside = [x for x in document.sections if x.span.start <= orig < x.span.end and x.level >= 1]
        return [x.heading for x in sorted(inside, key=lambda x: (x.level, x.span.start))]
    return _own_headings(units, pos)


def _own_headings(units: Units, pos: int) -> list[str]:
    """Fallback when structure found no sections: the lead sentences of enclosing items."""
    sentence = next((i for i, s in enumerate(units.sentences) if s.start <= pos < s.end + 1), None)
    if sentence is None or units.sentences[sentence].item is None:
        return []
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


def judge_clauses(units: Units, contexts: Sequence[Context], features: list[list[str]]) -> list[Judged]:
    """Kind, confidence and category probabilities for every clause."""
    sent_features = [[f for c in s.clauses for f in features[c]] for s in units.sentences]
    scores = classify.score_features(features + sent_features)
    n = len(units.clauses)
    out = []
    for i, clause in enumerate(units.clauses):
        prior = cues.PRIORS[contexts[clause.sentence].kind]
        cue = cues.cue_scores(clause.text)
        logits = {k: math.log(prior[k]) + cue[k] for k in cues.KINDS}
        category = None
        if scores is not None:
            own, sent = scores[i], scores[n + clause.sentence]
            for k in cues.KINDS:
                logits[k] += math.log(own.kind.get(k, 1e-6) + 1e-6)
                logits[k] += _SENTENCE_WEIGHT * math.log(sent.kind.get(k, 1e-6) + 1e-6)
            category = own.category
        kind, conf = _argmax_softmax(logits)
        out.append(Judged(kind, conf, category))
    return out


def _argmax_softmax(logits: dict[str, float]) -> tuple[str, float]:
    top = max(logits.values())
    exp = {k: math.exp(v - top) for k, v in logits.items()}
    kind = max(exp, key=exp.__getitem__)
    return kind, exp[kind] / sum(exp.values())


# --- grouping ---------------------------------------------------------------------------


def _group_sentence(units: Units, judged: list[Judged], s: int) -> list[Group]:
    groups: list[Group] = []
    current: Group | None = None
    for c in units.sentences[s].clauses:
        j, text = judged[c], units.clauses[c].text
        if j.kind == "none":
            if current is not None and cues.DEPENDENT.match(text) and current.kind == "issue":
                current.end = units.clauses[c].end  # "…不高,导致…": a consequence stays with it
                continue
            current = None
            continue
        if current is not None and current.kind == j.kind and not _new_point(units, judged, current, c):
            current.end = units.clauses[c].end
            current.clauses.append(c)
            current.confidence = max(current.confidence, j.confidence)
            continue
        current = Group(units.clauses[c].start, units.clauses[c].end, j.kind, j.confidence, s, [c])
        groups.append(current)
    return groups


def _new_point(units: Units, judged: list[Judged], group: Group, c: int) -> bool:
    """Whether clause ``c`` starts a new statement rather than continuing ``group``."""
    text = units.clauses[c].text
    first = units.clauses[group.clauses[0]].text
    so_far = "".join(units.clauses[x].text for x in group.clauses)
    if cues.DEPENDENT.match(text) and not (text.startswith("对") and first.startswith("对")):
        return False
    if group.kind == "issue":
        if "存在" in so_far and not re.search(r"存在.*(?:问题|情况|现象|风险|隐患|不足)", so_far):
            return False  # "存在A,B的问题" is one point
        return bool(cues.ISSUE.search(so_far)) and bool(cues.ISSUE.search(text)) and len(text) >= 8 and not cues.COUNT_FIGURE.search(text)
    if text.startswith("对") and first.startswith("对"):
        return True
    return _category_changes(judged[group.clauses[-1]], judged[c])


def _category_changes(a: Judged, b: Judged) -> bool:
    if a.category is None or b.category is None:
        return False
    ca = max(a.category, key=a.category.__getitem__)
    cb = max(b.category, key=b.category.__getitem__)
    return ca != cb and a.category[ca] > 0.5 and b.category[cb] > 0.5


# --- list patterns ----------------------------------------------------------------------

_ABOUT = re.compile(r"关于(?P<x>[^《》“”]{4,80}?)的(?P<k>问题|建议|议案)")
_EXIST_LIST = re.compile(r"存在(?P<x>[^,;。]{8,120}?)等(?:方面的)?问题")
_PROPOSED_LIST = re.compile(r"提出(?:了)?(?P<x>[^,;。]{8,160}?)等(?:方面的)?(?:意见建议|意见和建议|建议|意见)")
_ACTION = re.compile(
    r"^(?:建立|健全|完善|加强|实行|实施|调整|提高|优化|规范|明确|制定|修订|出台|取消|压减|削减|加快|推进|强化|落实|开展"
    r"|加大|严格|细化|统筹|整合|清理|设立|建设|推动|做好|改进|探索|研究|降低|减少|增加|扩大|合并|撤销)"
)
_LIST_SEP = re.compile(r"、|和(?=[^、]{4,}$)|及(?=[^、]{4,}$)|以及")


def _pattern_groups(units: Units, text: str, contexts: Sequence[Context]) -> list[Group]:
    """Statements that sit inside one clause: ``关于X的问题``, ``存在A、B等问题``, ``提出建立…、实行…等建议``."""
    out: list[Group] = []
    for si, s in enumerate(units.sentences):
        for m in _ABOUT.finditer(text, s.start, s.end):
            if re.search(r"会议|号|第.{1,3}次|复函|答复", m["x"]):
                continue
            kind = "issue" if m["k"] == "问题" else "recommendation"
            out += _list_items(text, m.start("x"), m.end("x"), kind, si, whole_ok=True)
        for rx, kind in ((_EXIST_LIST, "issue"), (_PROPOSED_LIST, "recommendation")):
            for m in rx.finditer(text, s.start, s.end):
                out += _list_items(text, m.start("x"), m.end("x"), kind, si, whole_ok=False)
    return out


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
    own = cues.ISSUE if kind == "issue" else _ACTION
    if len(parts) > 1 and all(e - s >= _MIN_LEN and own.search(text[s:e]) for s, e in parts):
        return [Group(s, e, kind, 0.9, sentence, []) for s, e in parts]
    if whole_ok and (kind != "issue" or cues.ISSUE.search(text[a:b])):
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


# --- categories and granularity ------------------------------------------------------------


def _set_categories(groups: list[Group], units: Units, features: list[list[str]], judged: list[Judged]) -> None:
    text_of = [units.clauses[g.clauses[0]].text if g.clauses else "" for g in groups]
    feats = []
    for g in groups:
        if g.clauses:
            feats.append([f for c in g.clauses for f in features[c]])
        else:
            feats.append(classify.featurize(_group_text(units, g)))
    scores = classify.score_features(feats)
    for i, g in enumerate(groups):
        if scores is None:
            g.category = cues.cue_category(_group_text(units, g) or text_of[i])
        else:
            cat = scores[i].category
            g.category = max(cat, key=cat.__getitem__)


def _group_text(units: Units, g: Group) -> str:
    if g.clauses:
        return "".join(units.clauses[c].text for c in g.clauses)
    return ""


def _granularity(units: Units, contexts: Sequence[Context], groups: list[Group]) -> list[Group]:
    out: list[Group] = []
    lead_of_item: dict[int, Group] = {}
    for g in groups:
        s = units.sentences[g.sentence]
        ctx = contexts[g.sentence]
        if not _keep(units, s, g, ctx):
            continue
        if s.item is not None and g.kind == "measure" and g.clauses:
            lead = lead_of_item.get(s.item)
            if s.lead:
                lead_of_item.setdefault(s.item, g)
            elif lead is not None and not _distinct_from_lead(units, g, lead):
                continue
        out.append(g)
    return out


def _keep(units: Units, s: Sentence, g: Group, ctx: Context) -> bool:
    if g.end - g.start < _MIN_LEN:
        return False
    if not g.clauses:
        return True  # pattern statements were matched on purpose
    if cues.INTRO.search(s.text.rstrip("。")) or _is_summary(s.text):
        return False
    item = units.items[s.item] if s.item is not None else None
    if s.heading:
        return g.kind in ("issue", "recommendation") and item is not None and not _is_title(s.text)
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
    """Body clauses of a planned item count only when they add a point the lead does not make."""
    text = _group_text(units, g)
    first = units.clauses[g.clauses[0]].text
    return (
        g.category != lead.category
        or bool(cues.COUNT_FIGURE.search(text))
        or first.startswith(("同时", "此外", "另外"))
        or bool(re.match(r"^(?:同时|此外|另外)", units.sentences[g.sentence].text))
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
