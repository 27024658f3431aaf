import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from reportmine import answering
from reportmine.answer_eval import (
    evaluate_answering,
    format_answering,
    load_judgments,
    overlaps,
)
from reportmine.cli import main
from reportmine.readers import read_document

CORPORA = Path(__file__).parent.parent / "corpora"
JUDGMENTS = CORPORA / "answering" / "judgments.gold.json"
# Two proposals and the documents that answer them, with same-theme distractors from other regions
# (泠江县's reply answers asks much like 宛北市's; 溱水县 and 石潭县 maintain rural roads too).
SUBSET = ("ap13_qianchuan_0022_2024.txt", "ap16_wanbei_0041_2025.txt")
DISTRACTORS = ("samples/proposal_reply/reply07_lingjiang_063_2024.txt", "samples/self_evaluation/se02a_shitan_roads_2022.txt",
               "answering/docs/qs01_qinshui_se_2023_road_maintenance.txt", "answering/docs/qc03_qianchuan_se_2021_roads.txt",
               "answering/docs/tx05_tangxi_se_2023_community_health.txt")


def _entries(names: tuple[str, ...]) -> list[dict]:
    return [e for e in load_judgments(JUDGMENTS) if Path(e["proposal"]).name in names]


@pytest.fixture(scope="module")
def small_corpora(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A corpora folder holding the subset's proposals, judged documents and distractors only."""
    root = tmp_path_factory.mktemp("corpora")
    entries = _entries(SUBSET)
    needed = {r["doc"] for e in entries for a in e["asks"] for r in a["relevant"]} | set(DISTRACTORS)
    needed |= {e["proposal"] for e in entries}
    for rel in needed:
        (root / rel).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(CORPORA / rel, root / rel)
    (root / "answering" / "judgments.gold.json").write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    (root / "gold").mkdir()
    return root


def test_overlap_is_half_of_the_shorter_span() -> None:
    assert overlaps((0, 10), (5, 40))  # 5 of the shorter 10
    assert not overlaps((0, 10), (6, 40))
    assert overlaps((100, 110), (0, 500))  # a clause inside a long passage
    assert not overlaps((0, 0), (0, 10))


def test_asks_are_the_points_after_the_introduction() -> None:
    text = ("关于加强农村公路养护的建议\n代表建议\n原因有三：一是资金少；二是考核弱；三是路长不履职。\n"
            "为此建议：\n一是按省定标准足额安排养护资金；二是按考核结果分配资金。\n3.制定路长履职考核办法。\n")
    asks = answering.asks_of(answering.proposal_from_text(text))
    assert [a for a, _, _ in asks] == ["按省定标准足额安排养护资金", "按考核结果分配资金", "制定路长履职考核办法"]
    assert all(text[s:e] == a for a, s, e in asks)


def test_judgments_point_at_real_text() -> None:
    entries = load_judgments(JUDGMENTS)
    assert len(entries) >= 22
    docs = list((CORPORA / "samples").rglob("*.txt")) + list((CORPORA / "answering" / "docs").glob("*.txt"))
    assert len(docs) >= 200
    in_samples = 0
    for entry in entries:
        proposal = read_document(CORPORA / entry["proposal"]).text
        assert 2 <= len(entry["asks"]) <= 4
        for ask in entry["asks"]:
            assert proposal.count(ask["text"]) == 1, ask["text"]
            assert ask["relevant"], ask["text"]
            for rel in ask["relevant"]:
                assert rel["text"] in read_document(CORPORA / rel["doc"]).text, rel
                in_samples += rel["doc"].startswith("samples/")
    assert in_samples >= 10


def test_subset_scores_both_retrievers(small_corpora: Path) -> None:
    result = evaluate_answering(small_corpora)
    asks = sum(len(e["asks"]) for e in _entries(SUBSET))
    assert result["asks"] == asks and result["proposals"] == len(SUBSET) and not result["failed"]
    assert result["ask_detection"]["found"] == asks, result["ask_detection"]["missed"]
    assert set(result["retrievers"]) == {"bm25", "tfidf"}
    for scores in result["retrievers"].values():
        assert 0 <= scores["mrr"] <= scores["recall@10"] <= 1
        assert scores["recall@5"] <= scores["recall@10"]
        assert len(scores["ranks"]) == asks
    bm25 = result["retrievers"]["bm25"]
    assert bm25["recall@5"] >= 0.8 and bm25["mrr"] >= 0.6
    assert "bm25" in format_answering(result) and "recall@5" in format_answering(result)


def test_a_passage_outside_the_store_is_never_matched(small_corpora: Path, tmp_path: Path) -> None:
    entries = _entries(SUBSET[:1])
    ask = entries[0]["asks"][0]
    # Keep only the judged passages in samples/, then ingest answering/docs alone: the ask must miss.
    ask["relevant"] = [r for r in ask["relevant"] if r["doc"].startswith("samples/")]
    assert ask["relevant"]
    judgments = tmp_path / "j.json"
    judgments.write_text(json.dumps(entries, ensure_ascii=False), encoding="utf-8")
    result = evaluate_answering(small_corpora, ("bm25",), judgments=judgments,
                                docs=[small_corpora / "answering" / "docs"])
    ranks = {r["ask"]: r["rank"] for r in result["retrievers"]["bm25"]["ranks"]}
    assert ranks[ask["text"]] is None
    assert all(rank for text, rank in ranks.items() if text != ask["text"])


def test_eval_command_with_answering(small_corpora: Path) -> None:
    out = CliRunner().invoke(main, ["eval", str(small_corpora / "gold"), str(small_corpora), "--answering", "--json"],
                             catch_exceptions=False)
    assert out.exit_code == 0, out.output
    answering = json.loads(out.output)["answering"]
    assert answering["retrievers"]["bm25"]["recall@10"] > 0
