from pathlib import Path

import pytest

from reportmine.errors import InvalidRequest, NotFound, StoreError
from reportmine.ingest import Outcome, process_file
from reportmine.pipeline import ExtractOptions
from reportmine.store import Store


def _process(path: Path) -> Outcome:
    outcome = process_file(str(path), ExtractOptions())
    assert not isinstance(outcome, str), outcome
    return outcome


def _add(store: Store, path: Path) -> str:
    extractions, passages = _process(path)
    assert store.add(extractions, passages)
    return extractions[0].document.id


def test_add_is_idempotent_and_queryable(store: Store, sample_dir: Path) -> None:
    doc_id = _add(store, sample_dir / "work_report_demo.txt")
    extractions, passages = _process(sample_dir / "work_report_demo.txt")
    assert store.add(extractions, passages) is False
    row = store.document(doc_id[:10])
    assert row["source"] == "work_report_demo.txt"
    assert store.summary()["documents"] == 1
    figures = store.figures(doc_id=doc_id).rows
    for f in figures:
        assert row["text"][f["start"]:f["end"]] == f["text"]


def test_two_character_chinese_query_finds_passages(store: Store, sample_dir: Path) -> None:
    _add(store, sample_dir / "work_report_demo.txt")
    _add(store, sample_dir / "reply_demo.txt")
    hits = store.search("整改").rows
    assert hits and all("整改" in h["text"] for h in hits)
    hits = store.search("闲置资金").rows
    assert {h["source"] for h in hits} == {"reply_demo.txt"}
    assert store.search("预算 执行").total >= 1


def test_search_finds_traditional_source_with_simplified_query(store: Store, tmp_path: Path) -> None:
    path = tmp_path / "trad.txt"
    path.write_text("本年度預算執行率偏低，結轉資金較多。", encoding="utf-8")
    _add(store, path)
    hit = store.search("预算执行").rows[0]
    assert hit["text"].startswith("本年度預算執行率")


def test_failed_write_leaves_nothing(store: Store, sample_dir: Path) -> None:
    extractions, passages = _process(sample_dir / "reply_demo.txt")
    doc_id = extractions[0].document.id
    # A second part with the same id fails on the primary key after the first part was written.
    with pytest.raises(StoreError, match="reply_demo.txt"):
        store.add(extractions + extractions, passages)
    assert not store.has_document(doc_id)
    assert store.db.execute("SELECT count(*) FROM passages").fetchone()[0] == 0
    assert store.db.execute("SELECT count(*) FROM figures").fetchone()[0] == 0


def test_errors_are_typed(store: Store) -> None:
    with pytest.raises(NotFound):
        store.document("nope")
    with pytest.raises(InvalidRequest):
        store.search("，。")
    with pytest.raises(InvalidRequest):
        store.documents(limit=0)


def test_reopening_a_file_keeps_data(tmp_path: Path, sample_dir: Path) -> None:
    db = tmp_path / "x.db"
    _add(Store(db), sample_dir / "reply_demo.txt")
    assert Store(db).summary()["documents"] == 1
