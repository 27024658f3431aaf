import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportmine.audit import audit, by_unit, rank
from reportmine.cli import main
from reportmine.document import Document
from reportmine.pipeline import extract_document
from reportmine.readers import read_document

REPO = Path(__file__).parent.parent
SELF_EVALS = REPO / "corpora" / "samples" / "self_evaluation"
PAIRS = json.loads((REPO / "corpora" / "audit" / "pairs.gold.json").read_text(encoding="utf-8"))


def _score(doc: Document) -> float:
    return audit(extract_document(doc)[0]).score


def test_deeper_report_scores_higher_in_nine_of_ten_pairs() -> None:
    wins = sum(_score(read_document(SELF_EVALS / p["deeper"])) > _score(read_document(SELF_EVALS / p["shallower"]))
               for p in PAIRS)
    assert len(PAIRS) >= 12 and wins / len(PAIRS) >= 0.9


def test_every_subscore_shows_its_spans() -> None:
    doc = read_document(SELF_EVALS / PAIRS[0]["deeper"])
    result = audit(extract_document(doc)[0]).to_json(doc.text)
    assert set(result["subscores"]) >= {"quantification", "candour", "causes", "measures", "boilerplate"}
    for name, sub in result["subscores"].items():
        assert 0 <= sub["score"] <= 100 and sub["explanation"]
        for span in sub["spans"]:
            assert doc.text[span["start"]:span["end"]] == span["text"] and span["text"]
    assert any(sub["spans"] for sub in result["subscores"].values())


@pytest.mark.parametrize("pair", PAIRS[:4], ids=lambda p: p["deeper"][:6])
def test_length_alone_barely_moves_the_score(pair: dict[str, str]) -> None:
    doc = read_document(SELF_EVALS / pair["deeper"])
    base = _score(doc)
    doubled = Document(id="d" * 64, source=doc.source, format="txt", text=doc.text + "\n" + doc.text)
    # Padding as a longer project background: neutral description added after the first paragraph.
    filler = "本项目资金由县级财政安排，实施地点覆盖县城及所辖乡镇，主要用于设施日常运行维护。"
    first_break = doc.text.index("\n", doc.text.index("\n") + 1)
    padded_text = doc.text[:first_break] + ("\n" + filler) * 4 + doc.text[first_break:]
    padded = Document(id="p" * 64, source=doc.source, format="txt", text=padded_text)
    assert abs(_score(doubled) - base) <= 8
    assert abs(_score(padded) - base) <= 5


def test_inflated_grade_is_flagged() -> None:
    text = ("某县2023年道路养护项目绩效自评报告\n一、项目概况\n项目预算资金500万元，实际支出320万元，预算执行率为64%。\n"
            "二、自评结论\n经自评，项目综合得分98分，自评等级为“优”。\n三、存在问题\n资金使用效益有待进一步提高。\n"
            "四、下一步措施\n进一步加强项目管理，不断完善制度。")
    result = audit(extract_document(Document(id="g" * 64, source="x.txt", format="txt", text=text))[0])
    assert any("execution rate" in f for f in result.flags)
    assert result.subscores["grade_consistency"].score < 100


def test_ranking_and_unit_comparison() -> None:
    results = [audit(extract_document(read_document(p))[0]) for p in sorted(SELF_EVALS.glob("se10*.txt"))]
    ranked = rank(results)
    assert ranked[0]["score"] >= ranked[-1]["score"]
    same_unit = by_unit(results)
    if same_unit:
        rows = next(iter(same_unit.values()))
        assert rows[0]["year"] <= rows[-1]["year"] and rows[1]["change"] is not None


def test_cli_audit_json_and_stored(tmp_path: Path) -> None:
    db = str(tmp_path / "a.db")
    files = [str(SELF_EVALS / PAIRS[0]["deeper"]), str(SELF_EVALS / PAIRS[0]["shallower"])]
    result = CliRunner().invoke(main, ["audit", *files, "--db", db, "--json"], catch_exceptions=False)
    rows = json.loads(result.output)
    assert len(rows) == 2 and {"doc", "score", "subscores", "flags"} <= set(rows[0])
    from reportmine.store import Store

    assert Store(db).audits().total == 2
