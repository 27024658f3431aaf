"""evaluate: the reference scorer's matching rules, per-document and overall scores, the CLI."""

from __future__ import annotations

import importlib.util
import json
from pathlib import Path

import pytest

from reportmine import evaluate as ev
from reportmine.cli import main as cli_main

REPO = Path(__file__).parent.parent
SCORER = REPO.parent / "shared" / "tools" / "score_extract.py"
SHARED = REPO.parent / "shared" / "corpora"

DOC = "区财政局2023年核减0.94亿元,涉及71家预算部门。\n一是预算编制不够科学。\n二是建议完善制度。\n"


def test_same_value_is_within_rounding() -> None:
    assert ev.same_value(139138000000, "139138000000.0")
    assert ev.same_value(33.96, 33.97)  # within 0.05 % of the gold value
    assert not ev.same_value(33.96, 34.5)
    assert not ev.same_value(None, 3)


def test_figures_match_on_unit_value_and_digits() -> None:
    gold = [{"text": "3-4个", "value": 3, "value_max": 4, "unit": "count"},
            {"text": "三年", "value": 3, "unit": "duration"},
            {"text": "14%", "value": 14, "unit": "percent"}]
    pred = [{"text": "14个", "value": 14, "unit": "count"},  # wrong unit
            {"text": "3个", "value": 3, "unit": "count"},  # digits overlap, no value_max: not exact
            {"text": "3年", "value": 3, "unit": "duration"},  # gold has no digits: value+unit suffice
            {"text": "41%", "value": 14, "unit": "percent"}]  # digits 14 vs 41: no overlap
    tp, exact, missed, extra = ev.match_figures(gold, pred)
    assert (tp, exact, missed, extra) == (2, 1, ["14%"], ["14个", "41%"])


def test_statements_match_on_kind_and_overlap() -> None:
    text = "一是预算编制不够科学,测算依据不足。二是建议完善制度。"
    gold = [{"text": "预算编制不够科学", "kind": "issue"}, {"text": "建议完善制度", "kind": "recommendation"}]
    start = text.index("预算编制")
    pred = [{"kind": "issue", "start": start, "end": start + 15},  # covers the gold span and more
            {"kind": "measure", "start": text.index("建议"), "end": text.index("建议") + 6}]  # wrong kind
    pairs = ev.match_statements(gold, pred, text)
    assert [p is not None for _, p in pairs] == [True, False]
    pred[0]["end"] = start + 40  # now the gold is less than a quarter of the prediction
    assert ev.match_statements(gold, pred, text + "x" * 40)[0][1] is None


def test_claims_with_an_elided_middle_are_located() -> None:
    text = "共形成意见和建议164条,包括若干类内容,现已全部落实整改。"
    gold = [{"text": "共形成意见和建议164条,…现已全部落实整改", "recommendation_count": 164, "status": "rectified"}]
    pred = [{"start": 0, "end": len(text) - 1, "recommendation_count": 164, "status": "rectified"}]
    score = ev.score_document("d", {"rectification_claims": gold}, {"rectification_claims": pred}, text)
    assert (score.claims.tp, score.claim_status_ok, score.claim_count_ok) == (1, 1, 1)


def test_meta_fields_and_region_suffix_rule() -> None:
    gold = {"doc_type": "work_report", "meta": {"region": "上海市闵行区", "year": 2023, "date": None}}
    out = {"doc_type": "work_report", "meta": {"region": "闵行区", "year": "2023"}}
    score = ev.score_document("d", gold, out, "")
    assert (score.meta_ok, score.meta_total) == (3, 3)


def test_compilation_gold_parts_are_pooled(tmp_path: Path) -> None:
    gold = {"doc": "c.txt", "doc_type": "compilation",
            "parts": [{"meta": {"year": 2022}, "figures": [{"text": "5个", "value": 5, "unit": "count"}]},
                      {"meta": {"year": 2023}, "figures": [{"text": "6个", "value": 6, "unit": "count"}]}]}
    (tmp_path / "c.txt.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    pooled = ev.load_gold(tmp_path)["c.txt"]
    assert [f["text"] for f in pooled["figures"]] == ["5个", "6个"]
    assert pooled["meta"] == {"year": 2022} and pooled["doc_type"] == "compilation"


@pytest.fixture
def gold_and_docs(tmp_path: Path) -> tuple[Path, Path]:
    gold_dir, docs_dir = tmp_path / "gold", tmp_path / "docs" / "sub"
    gold_dir.mkdir()
    docs_dir.mkdir(parents=True)
    (docs_dir / "a.txt").write_text(DOC, encoding="utf-8")
    gold = {"doc": "a.txt", "doc_type": "work_report", "meta": {"year": 2023},
            "figures": [{"text": "0.94亿元", "value": 94000000, "unit": "CNY"},
                        {"text": "71家", "value": 71, "unit": "count"},
                        {"text": "3条", "value": 3, "unit": "count"}],
            "statements": [{"text": "预算编制不够科学", "kind": "issue", "category": "budget"}]}
    (gold_dir / "a.txt.gold.json").write_text(json.dumps(gold, ensure_ascii=False), encoding="utf-8")
    (gold_dir / "missing.txt.gold.json").write_text('{"doc": "missing.txt", "figures": []}', encoding="utf-8")
    return gold_dir, docs_dir.parent


def _fake_extract(path: Path) -> tuple[dict, str]:
    text = path.read_text(encoding="utf-8")
    i = text.index("预算编制")
    return {"doc_type": "work_report", "meta": {"year": 2023},
            "figures": [{"text": "0.94亿元", "value": 94000000, "unit": "CNY"},
                        {"text": "71家", "value": 71, "unit": "count"},
                        {"text": "2023年", "value": 2023, "unit": "duration"}],
            "statements": [{"kind": "issue", "category": "management", "start": i, "end": i + 8}]}, text


def test_evaluate_scores_each_document_and_the_total(gold_and_docs, monkeypatch) -> None:
    monkeypatch.setattr(ev, "_extract", _fake_extract)
    report = ev.evaluate(*gold_and_docs)
    assert [d.doc for d in report.docs] == ["a.txt"]  # the document not on disk is skipped
    f = report.figures
    assert (f.tp, f.gold, f.pred) == (2, 3, 3)
    assert report.statements.tp == 1 and report.category_accuracy == 0.0
    assert report.confusion["budget"]["management"] == 1
    assert report.meta_accuracy == 1.0
    data = report.to_dict()
    json.dumps(data, ensure_ascii=False)
    assert data["figures"]["f1"] == pytest.approx(2 / 3, abs=1e-4)
    text = ev.format_report(report, verbose=True)
    assert "a.txt" in text and "figures P 0.667 R 0.667 F1 0.667" in text and "missed: 3条" in text


def test_a_crashing_extractor_marks_the_document_failed(gold_and_docs, monkeypatch) -> None:
    def boom(path: Path) -> tuple[dict, str]:
        raise RuntimeError("bug in an extractor")

    monkeypatch.setattr(ev, "_extract", boom)
    report = ev.evaluate(*gold_and_docs)
    assert report.docs[0].error and "bug in an extractor" in report.docs[0].error
    assert report.figures.tp == 0 and "FAILED a.txt" in ev.format_report(report)


def test_cli_eval_prints_the_report_and_json(gold_and_docs, monkeypatch, cli_runner) -> None:
    monkeypatch.setattr(ev, "_extract", _fake_extract)
    gold_dir, docs_dir = gold_and_docs
    result = cli_runner.invoke(cli_main, ["eval", str(gold_dir), str(docs_dir), "--only", "figures"],
                               catch_exceptions=False)
    assert result.exit_code == 0 and "figures P 0.667" in result.output
    result = cli_runner.invoke(cli_main, ["eval", str(gold_dir), str(docs_dir), "--json"], catch_exceptions=False)
    assert json.loads(result.output)["figures"]["tp"] == 2


def test_own_figure_documents_through_the_pipeline() -> None:
    report = ev.evaluate(REPO / "corpora" / "gold", REPO / "corpora" / "figures", only="figures")
    assert len(report.docs) >= 4 and not any(d.error for d in report.docs)
    assert report.figures.f1 >= 0.98 and report.figures_exact_rate >= 0.99


@pytest.mark.skipif(not SCORER.exists(), reason="reference scorer (../shared) not on this machine")
def test_matching_agrees_with_the_reference_scorer() -> None:
    spec = importlib.util.spec_from_file_location("score_extract", SCORER)
    scorer = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(scorer)
    gold = scorer.load_gold(SHARED / "gold")
    for doc, g in gold.items():
        out, text = ev._extract(SHARED / "seeds" / doc)
        tp, ng, np_, exact, misses, extras = scorer.match_figures(g["figures"], out["figures"])
        assert ev.match_figures(g["figures"], out["figures"]) == (tp, exact, misses, extras)
        ours = ev.match_statements(g["statements"], out["statements"], text)
        theirs, _ = scorer.match_statements(g["statements"], out["statements"], text)
        assert [p is None for _, p in ours] == [p is None for _, p in theirs]


def test_other_formats_of_a_gold_document_are_scored_one_row_each(gold_and_docs, monkeypatch) -> None:
    monkeypatch.setattr(ev, "_extract", _fake_extract)
    gold_dir, docs_dir = gold_and_docs
    (docs_dir / "sub" / "a.txt").rename(docs_dir / "sub" / "a.html")
    (docs_dir / "a.lo.docx").write_text(DOC, encoding="utf-8")  # _fake_extract reads any file as text
    report = ev.evaluate(gold_dir, docs_dir)
    assert sorted(d.doc for d in report.docs) == ["a.txt [.html]", "a.txt [.lo.docx]"]
    assert all(d.figures.tp == 2 for d in report.docs)
