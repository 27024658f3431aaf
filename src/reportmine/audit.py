"""How deep a self-evaluation really is: a 0–100 score with sub-scores, each shown by its spans.

The reports themselves name what a shallow self-evaluation looks like (DOMAIN.md): targets not
compared with actuals, problems in general terms, only objective causes, measures without owner
or deadline, boilerplate, and a grade the findings do not support. Every sub-score is a share
or a capped count, never a raw count, so padding a report or repeating it does not move it.
"""

from __future__ import annotations

import re
import statistics
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from .document import Extraction, Span
from .extractors.structure import sentences
from .normalize import NormalizedText, normalize

WEIGHTS = {"quantification": 0.25, "candour": 0.2, "causes": 0.2, "measures": 0.2, "boilerplate": 0.15}

_TARGET = re.compile(r"目标|计划|预期|预计|年初|指标值")
_ACTUAL = re.compile(r"实际|完成|达到|实现|为|达")
_INDICATORS = {
    "output": re.compile(r"产出|数量指标|质量指标|时效指标|成本指标|完成率|合格率|覆盖率|及时率"),
    "effect": re.compile(r"效益|经济效益|社会效益|生态效益|可持续"),
    "satisfaction": re.compile(r"满意度|满意率"),
}
_NUMBER = re.compile(r"\d")
_GENERIC = re.compile(r"有待|不够|不足|不到位|不完善|不充分|不强|薄弱|欠缺|不高|不规范|还需|需进一步|仍需")
_CAUSE = re.compile(r"原因|由于|因为|导致|造成|致使|归因|主要是")
_SUBJECTIVE = re.compile(
    r"我(?:单位|局|中心|院|校|所|站|们)|本(?:单位|部门|局)|自身|内部|主观|重视不够|重视程度不够|把关不严|测算不准|"
    r"论证不充分|考虑不周|未及时|没有及时|责任(?:落实)?不到位|管理不到位|跟踪不够|衔接不畅|经验不足|力量不足|"
    r"业务不熟|督促不力|审核不严|工作疏忽|前期工作不扎实"
)
_OBJECTIVE = re.compile(
    r"客观|疫情|天气|雨季|汛期|自然灾害|不可抗力|上级资金|资金下达|下达较晚|到位较晚|到位晚|政策调整|政策变化|"
    r"物价|市场价格|原材料|征地|拆迁|群众不配合|外部"
)
_OWNER = re.compile(r"责任(?:科室|股室|单位|人|部门)|由[\u4e00-\u9fff]{2,12}(?:负责|牵头)|牵头|[\u4e00-\u9fff]{1,8}(?:科|股|室|办)负责")
_DEADLINE = re.compile(r"20\d{2}年\d{1,2}月|\d{1,2}月(?:底|末|\d{1,2}日)?(?:之?前|以前)|年底前|年内|\d+个?(?:月|日|天|周)内|季度")
_BOILERPLATE = re.compile(
    r"进一步加强|进一步完善|进一步提高|进一步提升|有待提高|有待加强|有待进一步|不断完善|不断提高|不断加强|高度重视|"
    r"取得(?:了)?(?:明显|显著|一定|良好)(?:的)?成效|稳步推进|切实加强|认真落实|扎实推进|全面提升|持续加强|积极推进|"
    r"大力推进|有效提升|效果明显|成效显著|圆满完成|较好地完成"
)
_SELF_SCORE = re.compile(r"(?:自评|综合|总|最终)?得分(?:为)?[:：]?\s*(\d{2,3}(?:\.\d+)?)\s*分|评分(?:为)?[:：]?\s*(\d{2,3}(?:\.\d+)?)分")
_GRADE = re.compile(r"(?:等级|评级|评价结果|自评结果)(?:为|[:：])?\s*[“\"]?(优秀|优|良好|良|中|合格|差|不合格)")
_EXECUTION = re.compile(r"执行率(?:为|达到?|仅为?)?[:：]?\s*(\d{1,3}(?:\.\d+)?)%")
_GRADE_BANDS = {"优": 90, "良": 80, "中": 60, "差": 0}


@dataclass(slots=True)
class SubScore:
    score: float
    spans: list[Span] = field(default_factory=list)
    explanation: str = ""


@dataclass(slots=True)
class AuditResult:
    doc_id: str
    source: str
    doc_type: str
    unit: str | None
    year: int | None
    score: float
    subscores: dict[str, SubScore]
    flags: list[str]

    def to_json(self, text: str) -> dict[str, Any]:
        return {
            "doc": self.source, "doc_id": self.doc_id, "doc_type": self.doc_type, "unit": self.unit,
            "year": self.year, "score": self.score, "flags": self.flags,
            "subscores": {
                name: {"score": s.score, "explanation": s.explanation,
                       "spans": [{"start": sp.start, "end": sp.end, "text": text[sp.start:sp.end]} for sp in s.spans]}
                for name, s in self.subscores.items()
            },
        }


class _Sentences:
    """Sentences of the normalised view, each with its original span."""

    def __init__(self, text: str) -> None:
        self.view: NormalizedText = normalize(text)
        self.items = [(self.view.text[s.start:s.end], Span(*self.view.to_original(s.start, s.end)))
                      for s in sentences(self.view.text)]


def audit(extraction: Extraction) -> AuditResult:
    """Score one report's depth. Works on any report; meant for self-evaluations and evaluations."""
    doc = extraction.document
    sents = _Sentences(doc.text)
    subscores = {
        "quantification": _quantification(sents),
        "candour": _candour(extraction),
        "causes": _causes(sents),
        "measures": _measures(extraction, sents),
        "boilerplate": _boilerplate(sents),
    }
    base = sum(WEIGHTS[k] * s.score for k, s in subscores.items())
    grade = _grade_consistency(sents, subscores["quantification"].score)
    subscores["grade_consistency"] = grade
    flags = [line for line in grade.explanation.split("; ") if line.startswith("flag:")]
    flags = [f[len("flag: "):] for f in flags]
    # An inconsistent self-grade is a reason to send the report back, so it costs points too.
    score = round(max(0.0, base - 10 * len(flags)), 1)
    for name, s in subscores.items():
        if s.score == 0 and name != "grade_consistency":
            flags.append(f"{name}: {s.explanation}")
    return AuditResult(doc.id, doc.source, doc.doc_type, doc.meta.issuer, doc.meta.year, score, subscores, flags)


def _quantification(sents: _Sentences) -> SubScore:
    pairs: list[Span] = []
    covered: set[str] = set()
    with_number = 0
    for text, span in sents.items:
        numbers = len(re.findall(r"\d+(?:\.\d+)?", text))
        if numbers:
            with_number += 1
        if numbers >= 2 and _TARGET.search(text) and _ACTUAL.search(text[_TARGET.search(text).end():]):  # type: ignore[union-attr]
            pairs.append(span)
        for name, pattern in _INDICATORS.items():
            if numbers and pattern.search(text):
                covered.add(name)
    share = with_number / max(1, len(sents.items))
    score = 45 * min(len(pairs) / 4, 1) + 30 * len(covered) / 3 + 25 * min(share / 0.5, 1)
    return SubScore(round(score, 1), pairs,
                    f"{len(pairs)} target-vs-actual sentences, indicators with numbers: "
                    f"{', '.join(sorted(covered)) or 'none'}, {share:.0%} of sentences carry a number")


def _candour(extraction: Extraction) -> SubScore:
    issues = [s for s in extraction.statements if s.kind == "issue"]
    if not issues:
        return SubScore(0.0, [], "no problems named")
    concrete = [s for s in issues if _NUMBER.search(s.text) or (len(s.text) >= 22 and not _only_generic(s.text))]
    share = len(concrete) / len(issues)
    score = 70 * share + 30 * min(len(issues) / 3, 1)
    return SubScore(round(score, 1), [s.span for s in concrete],
                    f"{len(concrete)} of {len(issues)} problems named concretely")


def _only_generic(text: str) -> bool:
    """A problem stated only in general terms: short once the generic wording is removed."""
    stripped = _GENERIC.sub("", _BOILERPLATE.sub("", text))
    return len(re.sub(r"[\W\d_]", "", stripped)) < 14


def _causes(sents: _Sentences) -> SubScore:
    subjective: list[Span] = []
    objective = 0
    for text, span in sents.items:
        if not _CAUSE.search(text):
            continue
        if _SUBJECTIVE.search(text):
            subjective.append(span)
        elif _OBJECTIVE.search(text):
            objective += 1
    total = len(subjective) + objective
    if not total:
        return SubScore(0.0, [], "no cause analysis")
    score = 75 * len(subjective) / total + 25 * min(len(subjective) / 2, 1)
    return SubScore(round(score, 1), subjective,
                    f"{len(subjective)} causes own the unit's failings, {objective} only objective")


def _measures(extraction: Extraction, sents: _Sentences) -> SubScore:
    measures = [s for s in extraction.statements if s.kind in ("measure", "rectification")]
    if not measures:
        return SubScore(0.0, [], "no corrective measures")
    points = 0
    good: list[Span] = []
    for m in measures:
        context = _sentence_around(sents, m.span)
        found = sum(bool(p.search(context)) for p in (_OWNER, _DEADLINE, _NUMBER))
        points += found
        if found >= 2:
            good.append(m.span)
    score = 100 * points / (3 * len(measures))
    return SubScore(round(score, 1), good,
                    f"{len(good)} of {len(measures)} measures name at least two of owner, deadline, number")


def _sentence_around(sents: _Sentences, span: Span) -> str:
    for text, s in sents.items:
        if s.start <= span.start < s.end or span.start <= s.start < span.end:
            return text
    return ""


def _boilerplate(sents: _Sentences) -> SubScore:
    hits: list[Span] = []
    view = sents.view
    for m in _BOILERPLATE.finditer(view.text):
        hits.append(Span(*view.to_original(*m.span())))
    per_k = 1000 * len(hits) / max(1, len(view.text))
    score = max(0.0, 100 - 14 * per_k)
    return SubScore(round(score, 1), hits, f"{per_k:.1f} boilerplate phrases per 1,000 characters")


def _grade_consistency(sents: _Sentences, quantification: float) -> SubScore:
    text = sents.view.text
    spans: list[Span] = []
    notes: list[str] = []

    def find(pattern: re.Pattern[str]) -> re.Match[str] | None:
        m = pattern.search(text)
        if m:
            spans.append(Span(*sents.view.to_original(*m.span())))
        return m

    score_m, grade_m, exec_m = find(_SELF_SCORE), find(_GRADE), find(_EXECUTION)
    self_score = float(next(g for g in score_m.groups() if g)) if score_m else None
    grade = grade_m.group(1)[0] if grade_m else None
    grade = {"合": "中", "不": "差"}.get(grade or "", grade)
    execution = float(exec_m.group(1)) if exec_m else None
    if self_score is not None and grade in _GRADE_BANDS:
        band = max((g for g, low in _GRADE_BANDS.items() if self_score >= low), key=lambda g: _GRADE_BANDS[g])
        if band != grade:
            notes.append(f"flag: grade {grade} does not match the self-score {self_score:g}")
    if self_score is not None and execution is not None and execution < 90 and self_score >= 95:
        notes.append(f"flag: self-score {self_score:g} despite a budget execution rate of {execution:g}% "
                     "(the execution indicator alone should cost points)")
    top = grade == "优" or (self_score is not None and self_score >= 90)
    if top and quantification < 40:
        notes.append("flag: top grade with few quantified results")
    if self_score is None and grade is None:
        return SubScore(50.0, spans, "no self-score or grade stated")
    flags = sum(1 for n in notes if n.startswith("flag:"))
    return SubScore(100.0 if not flags else max(0.0, 100 - 50 * flags), spans,
                    "; ".join(notes) or "self-score and grade agree with the findings")


def rank(results: list[AuditResult]) -> list[dict[str, Any]]:
    """Reports best to worst with a z-score; |z| ≥ 1.5 marks an outlier."""
    scores = [r.score for r in results]
    mean = statistics.fmean(scores) if scores else 0.0
    spread = statistics.pstdev(scores) if len(scores) > 1 else 0.0
    out = []
    for r in sorted(results, key=lambda r: -r.score):
        z = (r.score - mean) / spread if spread else 0.0
        out.append({"doc": r.source, "score": r.score, "z": round(z, 2), "outlier": abs(z) >= 1.5})
    return out


def by_unit(results: list[AuditResult]) -> dict[str, list[dict[str, Any]]]:
    """The same unit's reports across years, oldest first, with the change in score."""
    groups: dict[str, list[AuditResult]] = defaultdict(list)
    for r in results:
        if r.unit:
            groups[r.unit].append(r)
    out = {}
    for unit, items in groups.items():
        if len(items) < 2:
            continue
        items.sort(key=lambda r: (r.year or 0, r.source))
        out[unit] = [{"doc": r.source, "year": r.year, "score": r.score,
                      "change": None if i == 0 else round(r.score - items[i - 1].score, 1)}
                     for i, r in enumerate(items)]
    return out


AUDITED_TYPES = ("self_evaluation", "evaluation_report")


def audit_stored(store: Any, doc_ids: list[str] | None = None) -> list[AuditResult]:
    """Audit stored documents (default: every self-evaluation and evaluation report) and keep the results."""
    if doc_ids is None:
        doc_ids = [r["id"] for r in store.iter_documents("id, doc_type") if r["doc_type"] in AUDITED_TYPES]
    results = []
    for doc_id in doc_ids:
        extraction = store.load_extraction(doc_id)
        result = audit(extraction)
        payload = result.to_json(extraction.document.text)
        store.save_audit(doc_id, result.score, payload["subscores"], result.flags)
        results.append(result)
    return results


def evaluate_pairs(corpora_dir: str | Any) -> dict[str, Any]:
    """Share of gold pairs (corpora/audit/pairs.gold.json) where the deeper report scores higher,
    and how far the score moves when a report is only made longer (doubled, or padded)."""
    import json
    from pathlib import Path

    from .document import Document
    from .pipeline import extract_document, extract_file

    root = Path(corpora_dir)
    pairs = json.loads((root / "audit" / "pairs.gold.json").read_text(encoding="utf-8"))
    folder = root / "samples" / "self_evaluation"
    wins, shifts = 0, []
    for pair in pairs:
        deeper = audit(extract_file(folder / pair["deeper"])[0])
        shallower = audit(extract_file(folder / pair["shallower"])[0])
        wins += deeper.score > shallower.score
        doc = extract_file(folder / pair["deeper"])[0].document
        doubled = Document(id="0" * 64, source=doc.source, format="txt", text=doc.text + "\n" + doc.text)
        shifts.append(audit(extract_document(doubled)[0]).score - deeper.score)
    return {"pairs": len(pairs), "deeper_wins": wins, "win_rate": round(wins / len(pairs), 3) if pairs else 0.0,
            "length_doubled_shift_max": round(max(shifts, key=abs), 1) if shifts else 0.0,
            "length_doubled_shift_mean": round(statistics.fmean(shifts), 2) if shifts else 0.0}
