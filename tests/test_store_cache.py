"""Listings over the store stay right while their totals are cached and their queries reshaped
for large stores: totals follow every write (from any connection), region filters keep LIKE's
meaning, item listings keep their order, search pages neither overlap nor drop hits."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest

from reportmine import store as store_module
from reportmine.document import Document, Extraction, Meta
from reportmine.passages import passages
from reportmine.pipeline import extract_document
from reportmine.store import MIGRATIONS, Store

REGIONS = ["临江市", "临江市东湖区", "西岭县", "北山区"]


def _extractions(i: int, region: str, year: int) -> tuple[list[Extraction], dict]:  # type: ignore[type-arg]
    """A small evaluation report of our own: figures, an issue, advice; region and year set."""
    text = (f"{region}乡村道路养护项目{year}年度绩效评价报告\n\n一、基本情况\n"
            f"{year}年，项目预算资金{120 + i}万元，实际支出{90 + i}万元，预算执行率{(90 + i) / (120 + i) * 100:.1f}%。\n\n"
            f"二、存在的问题\n（一）资金拨付进度偏慢，年末结余{30}万元。\n（二）养护台账不完整，部分路段巡查记录缺失。\n\n"
            f"三、意见建议\n1. 加快资金拨付，按月通报支出进度。\n2. 建立养护台账，落实巡查责任。\n\n编号{i:04d}\n")
    doc = Document(id=hashlib.sha256(text.encode()).hexdigest(), source=f"road_{i:04d}.txt", format="txt", text=text)
    extractions = extract_document(doc)
    for ex in extractions:
        ex.document.meta = Meta(region=region, year=year)
    return extractions, {ex.document.id: passages(ex.document) for ex in extractions}


def _fill(store: Store, n: int, start: int = 0) -> None:
    for i in range(start, start + n):
        assert store.add(*_extractions(i, REGIONS[i % len(REGIONS)], 2016 + i % 5))


@pytest.fixture
def filled(tmp_path: Path) -> Store:
    store = Store(tmp_path / "s.db")
    _fill(store, 12)
    return store


def _totals(store: Store) -> dict[str, int]:
    """Every cached total the store serves (listings, search, passage and word counts)."""
    return {
        "documents": store.documents(limit=1).total,
        "region": store.documents(region="临江", limit=1).total,
        "figures": store.figures(year=2017, limit=1).total,
        "statements": store.statements(kind="issue", region="西岭", limit=1).total,
        "search": store.search("养护").total,
        "passages": store.passage_count(),
        "word": store.token_doc_frequency(["养护"])["养护"],
    }


def test_totals_follow_a_write_from_another_connection(filled: Store) -> None:
    before = _totals(filled)
    assert before["documents"] == 12 and before["region"] == 6 and all(before.values())
    other = Store(filled.path)  # e.g. the CLI ingesting while the server runs
    _fill(other, 4, start=100)  # 100..103: one document in each region, years 2016..2019
    after = _totals(filled)
    assert after["documents"] == 16 and after["region"] == 8
    for key in ("figures", "statements", "search", "passages", "word"):
        assert after[key] > before[key], key
    # and each total is what counting the rows gives
    assert after["figures"] == len(filled.figures(year=2017, limit=1000).rows)
    assert after["statements"] == len(filled.statements(kind="issue", region="西岭", limit=1000).rows)


def test_total_is_right_on_every_page_and_past_the_end(filled: Store) -> None:
    n = len(filled.statements(limit=1000).rows)
    for offset in (0, 5, n - 3, n, n + 10):
        page = filled.statements(limit=5, offset=offset)
        assert page.total == n and len(page.rows) == max(0, min(5, n - offset)), offset
    assert filled.statements(region="不存在", limit=5).total == 0


def test_generation_changes_with_writes_only(filled: Store) -> None:
    token = filled.generation()
    filled.documents(limit=5)
    filled.search("资金")
    assert filled.generation() == token
    _fill(filled, 1, start=50)
    assert filled.generation() != token
    token = filled.generation()
    extractions, passage_map = _extractions(60, "北山区", 2020)
    with pytest.raises(Exception):
        filled.add(extractions + extractions, passage_map)  # fails on the second part: rolled back
    assert filled.generation() == token
    filled.add_decision("link", "x", "confirm", None)
    assert filled.generation() != token


def test_memory_stores_do_not_share_totals() -> None:
    a, b = Store(":memory:"), Store(":memory:")
    assert a.documents(limit=1).total == 0
    _fill(b, 2)
    assert b.documents(limit=1).total == 2
    assert a.documents(limit=1).total == 0


@pytest.mark.parametrize("part", ["临江", "临江市", "东湖", "区", "县", "江_", "%", "不存在"])
def test_region_filter_keeps_like_meaning(filled: Store, part: str) -> None:
    expected = {r[0] for r in filled.db.execute("SELECT id FROM documents WHERE region LIKE ?", [f"%{part}%"])}
    assert {r["id"] for r in filled.documents(region=part, limit=1000).rows} == expected
    rows = filled.statements(region=part, limit=1000).rows
    assert {r["doc_id"] for r in rows} <= expected
    assert len(rows) == filled.statements(region=part, limit=1).total


def test_many_matching_regions_fall_back_to_like(filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_MAX_REGIONS_IN", 1)  # "区" matches two regions
    expected = {r[0] for r in filled.db.execute("SELECT id FROM documents WHERE region LIKE '%区%'")}
    page = filled.documents(region="区", limit=1000)
    assert {r["id"] for r in page.rows} == expected and page.total == len(expected) == 6


def test_item_listings_are_newest_document_first_then_text_order(filled: Store) -> None:
    for listing in (filled.figures, filled.statements):
        rows = listing(limit=1000).rows
        assert rows
        keys = [(-(r["year"] or 0), r["doc_id"], r["start"]) for r in rows]
        assert keys == sorted(keys)
        paged = [r["id"] for off in range(0, len(rows), 7) for r in listing(limit=7, offset=off).rows]
        assert paged == [r["id"] for r in rows]
    unit_rows = filled.figures(unit="CNY", min_value=1_000_000, year=2018, limit=1000).rows
    assert unit_rows and all(r["unit"] == "CNY" and r["value_num"] >= 1e6 and r["year"] == 2018 for r in unit_rows)


@pytest.mark.parametrize("kept", [200, 6])  # 6: pages past the ranked-once hits run the query
def test_search_pages_neither_overlap_nor_drop_hits(filled: Store, kept: int, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_SEARCH_KEPT", kept)
    everything = filled.search("资金", limit=100)
    assert everything.total == len(everything.rows) > 10
    scores = [r["score"] for r in everything.rows]
    assert scores == sorted(scores)
    paged = [(r["doc_id"], r["start"]) for off in range(0, everything.total, 4)
             for r in filled.search("资金", limit=4, offset=off).rows]
    assert paged == [(r["doc_id"], r["start"]) for r in everything.rows]
    assert all("资金" in r["text"] for r in everything.rows)
    filtered = filled.search("资金", region="西岭", limit=100)
    assert filtered.rows and {r["region"] for r in filtered.rows} == {"西岭县"}
    assert filtered.total == len(filtered.rows)


def test_passage_rows_carry_the_items_inside_each_passage(filled: Store) -> None:
    ids = [pid for pid, _ in filled.bm25_passages(["资金", "养护"], limit=50)]
    rows = filled.passage_rows(ids)
    assert {r["id"] for r in rows} == set(ids)
    for row in rows:
        statements = filled.statements(doc_id=row["doc_id"], limit=1000).rows
        figures = filled.figures(doc_id=row["doc_id"], limit=1000).rows
        assert [s["id"] for s in row["statements"]] == [
            s["id"] for s in statements if s["start"] < row["end"] and s["end"] > row["start"]]
        assert [f["id"] for f in row["figures"]] == [
            f["id"] for f in figures if f["start"] >= row["start"] and f["end"] <= row["end"]]
    assert any(row["figures"] for row in rows) and any(row["statements"] for row in rows)


def test_a_store_from_before_the_listing_indexes_migrates(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path)
    for number, script in enumerate(MIGRATIONS[:4], start=1):
        conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")
    conn.close()
    store = Store(path)
    assert store.db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
    indexes = {r[0] for r in store.db.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    assert {"documents_listing", "documents_source", "figures_doc_items", "statements_doc_items"} <= indexes
    assert store.generation()
    _fill(store, 2)
    assert store.documents(limit=1).total == 2


_SENTENCES = ["资金拨付进度偏慢，年末结余较多。", "养护台账不完整，巡查记录缺失。", "绩效目标设置不够具体，指标难以量化。",
              "政府采购程序不规范，合同管理薄弱。", "项目建成后管护机制缺失，设施闲置。", "预算编制与实际需求脱节，调整频繁。",
              "已收回违规资金，并按月通报支出进度。", "下一步将建立长效管护机制，明确管护经费。", "资金使用效益有待提高。",
              "评价结果已与下年度预算安排挂钩。"]


def _varied_store(n: int = 40) -> Store:
    import random

    store = Store(":memory:")
    for i in range(n):
        rng = random.Random(i)
        body = "\n".join("".join(rng.sample(_SENTENCES, rng.randint(1, 3))) for _ in range(rng.randint(2, 5)))
        text = f"第{i}号材料\n\n{body}\n"
        doc = Document(id=hashlib.sha256(text.encode()).hexdigest(), source=f"v{i}.txt", format="txt", text=text)
        extractions = extract_document(doc)
        store.add(extractions, {ex.document.id: passages(ex.document) for ex in extractions})
    return store


def test_pruned_bm25_gives_the_full_querys_passages_scores_and_order(monkeypatch: pytest.MonkeyPatch) -> None:
    import random

    monkeypatch.setattr(store_module, "_PRUNE_MIN_MATCHES", 0)  # prune even on a small store
    store = _varied_store()
    words = ["资金", "结余", "养护", "台账", "巡查", "绩效", "目标", "采购", "合同", "管护", "闲置", "预算", "调整",
             "收回", "通报", "机制", "经费", "效益", "挂钩", "评价"]
    rng = random.Random(7)
    pruned = 0
    for _ in range(150):
        query = rng.sample(words, rng.randint(2, 7))
        limit = rng.choice([3, 5, 10, 20])
        df = store.token_doc_frequency(query)
        query.sort(key=lambda w: df[w])
        pruned += bool(store._split_common(query, df, limit)[1])
        full = store._bm25(store_module._any_of(query), limit)
        assert store.bm25_passages(query, limit) == full, (query, limit)
    assert pruned >= 20  # the pruned path was taken, not only the full query


@pytest.mark.parametrize("filters", [{"unit": "CNY", "min_value": 1_000_000}, {"unit": "CNY", "max_value": 1_100_000, "year": 2018},
                                     {"unit": "percent", "min_value": 50, "region": "临江"}, {"unit": "CNY", "min_value": 1e12}])
def test_figures_by_value_range_are_the_same_whichever_index_drives(filled: Store, filters: dict,  # type: ignore[type-arg]
                                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    pages = []
    for narrow in (0, 10**9):  # 0: walk the documents; 10**9: start from figures(unit, value_num)
        monkeypatch.setattr(store_module, "_NARROW_RANGE", narrow)
        pages.append([(p.total, [r["id"] for r in p.rows]) for p in
                      (filled.figures(**filters, limit=3, offset=off) for off in (0, 3, 6))])
    assert pages[0] == pages[1]
    everything = filled.figures(**filters, limit=1000).rows
    assert all(r["unit"] == filters["unit"] for r in everything)


def test_a_value_wanted_at_once_is_computed_once(filled: Store) -> None:
    import threading
    import time

    calls = []

    def slow() -> int:
        calls.append(1)
        time.sleep(0.05)
        return 42

    stores = [Store(filled.path) for _ in range(6)]
    results: list[int] = []
    threads = [threading.Thread(target=lambda s=s: results.append(s._cached(("test-slow",), slow))) for s in stores]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert results == [42] * 6 and len(calls) == 1
    assert not store_module._COMPUTING


def test_cache_stays_within_its_budget(filled: Store, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(store_module, "_CACHE_SIZE", 50)
    for word in ["资金", "养护", "巡查", "台账", "拨付", "结余"]:
        assert filled.search(word, limit=5).rows
    assert store_module._cache_used <= 50
    assert store_module._cache_used == sum(size for _, size in store_module._CACHE.values())
    assert filled.search("资金", limit=5).total == filled.search("资金", limit=100).total  # evicted: recomputed
