"""The store: SQLite through sqlite-utils. The only module that issues SQL.

The schema is declared once here and migrated by ``PRAGMA user_version``. Each ingested file is
written inside one transaction, so a failure never leaves half a document. Full-text search
indexes jieba search-mode tokens in FTS5 (the default unicode61 tokenizer finds almost nothing
in Chinese and trigram cannot match two-character queries such as 整改: see MEASURED.md).
"""

from __future__ import annotations

import contextlib
import copy
import hashlib
import itertools
import json
import os
import sqlite3
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from decimal import Decimal
from pathlib import Path
from typing import Any, NamedTuple

import sqlite_utils

from .document import Document, Extraction, Figure, Meta, RectificationClaim, Section, Span, Statement
from .errors import InvalidRequest, NotFound, StoreError
from .passages import Passage
from .segmentation import search_tokens

MIGRATIONS: list[str] = [
    # 1: documents and what was extracted from them
    """
    CREATE TABLE documents (
        id TEXT PRIMARY KEY, source TEXT NOT NULL, format TEXT, title TEXT, doc_type TEXT,
        region TEXT, year INTEGER, issuer TEXT, date TEXT, proposal_no TEXT, delegate TEXT,
        parent_id TEXT, parent_start INTEGER, parent_end INTEGER,
        text TEXT NOT NULL, n_chars INTEGER, warnings TEXT, ingested_at TEXT
    );
    CREATE INDEX documents_type ON documents(doc_type);
    CREATE INDEX documents_region_year ON documents(region, year);
    CREATE TABLE sections (
        doc_id TEXT NOT NULL REFERENCES documents(id), idx INTEGER, heading TEXT, level INTEGER,
        numbering TEXT, start INTEGER, "end" INTEGER, heading_start INTEGER, heading_end INTEGER,
        PRIMARY KEY (doc_id, idx)
    );
    CREATE TABLE figures (
        id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), start INTEGER, "end" INTEGER,
        text TEXT, value TEXT, value_num REAL, value_max TEXT, unit TEXT, measure_word TEXT,
        qualifier TEXT, direction TEXT, label TEXT, period TEXT
    );
    CREATE INDEX figures_doc ON figures(doc_id);
    CREATE INDEX figures_unit_value ON figures(unit, value_num);
    CREATE TABLE checks (
        id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), relation TEXT,
        figure_spans TEXT, stated TEXT, computed TEXT, tolerance TEXT, consistent INTEGER,
        explanation TEXT, start INTEGER, "end" INTEGER
    );
    CREATE INDEX checks_doc ON checks(doc_id);
    CREATE TABLE statements (
        id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), start INTEGER, "end" INTEGER,
        text TEXT, kind TEXT, category TEXT, confidence REAL, section TEXT
    );
    CREATE INDEX statements_doc ON statements(doc_id);
    CREATE INDEX statements_kind ON statements(kind, category);
    CREATE TABLE claims (
        id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), start INTEGER, "end" INTEGER,
        text TEXT, recommendation_count INTEGER, status TEXT
    );
    CREATE TABLE passages (
        id INTEGER PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), start INTEGER, "end" INTEGER
    );
    CREATE INDEX passages_doc ON passages(doc_id);
    CREATE VIRTUAL TABLE passages_fts USING fts5(tokens, content='', tokenize='unicode61 remove_diacritics 0');
    """,
    # 2: the recommendation register. register and links are derived (rebuilt by tracking.relink);
    # decisions are people's and are never rebuilt.
    """
    CREATE TABLE register (
        id TEXT PRIMARY KEY, doc_id TEXT NOT NULL REFERENCES documents(id), start INTEGER, "end" INTEGER,
        text TEXT, kind TEXT, category TEXT, year INTEGER, region TEXT, unit TEXT, project TEXT,
        doc_type TEXT, deadline TEXT, claimed_status TEXT, evidenced_status TEXT, status TEXT,
        source_status_words TEXT, overdue INTEGER, decided_note TEXT
    );
    CREATE INDEX register_status ON register(status, category);
    CREATE TABLE links (
        id TEXT PRIMARY KEY, rec_id TEXT NOT NULL, doc_id TEXT NOT NULL, start INTEGER, "end" INTEGER,
        text TEXT, evidence TEXT, reason TEXT, score REAL, status TEXT, status_words TEXT,
        suggestion INTEGER, decided TEXT
    );
    CREATE INDEX links_rec ON links(rec_id);
    CREATE TABLE decisions (
        id INTEGER PRIMARY KEY, target TEXT NOT NULL, target_id TEXT NOT NULL, decision TEXT NOT NULL,
        note TEXT, decided_at TEXT NOT NULL
    );
    CREATE INDEX decisions_target ON decisions(target, target_id);
    CREATE TABLE store_meta (key TEXT PRIMARY KEY, value TEXT);
    """,
    # 3: self-evaluation depth audits (one row per document, replaced when re-audited)
    """
    CREATE TABLE audits (
        doc_id TEXT PRIMARY KEY REFERENCES documents(id), score REAL, subscores TEXT, flags TEXT, audited_at TEXT
    );
    """,
    # 4: document frequencies of indexed words, for weighting retrieval queries
    """
    CREATE VIRTUAL TABLE passages_vocab USING fts5vocab(passages_fts, 'row');
    """,
    # 5: indexes for listings over large stores (each serves an ORDER BY or a lookup that scanned
    # 10,000 documents), and the write token that keys cached totals (see Store.generation)
    """
    CREATE INDEX documents_source ON documents(source);
    CREATE INDEX documents_listing ON documents(year DESC, source, region, doc_type);
    CREATE INDEX documents_year_id ON documents(year DESC, id, region, doc_type);
    CREATE INDEX documents_ingested ON documents(ingested_at);
    CREATE INDEX figures_doc_start ON figures(doc_id, start);
    DROP INDEX figures_doc;
    CREATE INDEX statements_doc_start ON statements(doc_id, start);
    DROP INDEX statements_doc;
    CREATE INDEX claims_doc ON claims(doc_id, start);
    CREATE INDEX register_doc ON register(doc_id, start);
    INSERT OR REPLACE INTO store_meta(key, value) VALUES ('generation', lower(hex(randomblob(8))));
    """,
    # 6: item indexes that also hold what listings filter on, so a walk over a year's documents
    # checks 12,000 figures in the index instead of reading each row
    """
    CREATE INDEX figures_doc_items ON figures(doc_id, start, unit, value_num);
    DROP INDEX figures_doc_start;
    CREATE INDEX statements_doc_items ON statements(doc_id, start, kind, category);
    DROP INDEX statements_doc_start;
    """,
]


# Totals and aggregates computed from the store, keyed by the store's write token, so a write
# anywhere (this process or another) makes them stale at once. Shared by every Store of a process:
# the API opens one per request thread.
_CACHE: OrderedDict[tuple[Any, ...], tuple[Any, int]] = OrderedDict()  # key -> (value, size)
_CACHE_LOCK = threading.Lock()
_COMPUTING: dict[tuple[Any, ...], threading.Lock] = {}  # one lock per value being computed
_CACHE_SIZE = 200_000  # rows (a total counts 1, a ranking of 200 hits 200): some tens of MB at most
_cache_used = 0
_MEMORY_IDS = itertools.count()
_NEW_GENERATION = "INSERT OR REPLACE INTO store_meta(key, value) VALUES ('generation', lower(hex(randomblob(8))))"
_MAX_REGIONS_IN = 500  # more matching regions than this: filter with LIKE rather than a long IN list
_NARROW_RANGE = 2000  # figures in a unit's value range below which the range index drives the listing
_SEARCH_KEPT = 200  # search hits ranked once per store state and query; deeper pages run the query
_PRUNE_MIN_MATCHES = 5000  # fewer matches (summed over the words) than this: score them all
_PRUNE_MARGIN = 1 - 1e-9  # a float sum may differ from the parts in the last bits


@dataclass(frozen=True, slots=True)
class Page:
    """One page of a listing: the rows and how many there are in all."""

    rows: list[dict[str, Any]]
    total: int
    limit: int
    offset: int


class Store:
    """A reportmine database. ``Store(":memory:")`` for tests, a path otherwise."""

    def __init__(self, path: str | Path = "reportmine.db") -> None:
        self.path = str(path)
        try:
            if self.path == ":memory:":
                self.db = sqlite_utils.Database(memory=True)
                self._cache_id = f":memory:{next(_MEMORY_IDS)}"
            else:
                self._cache_id = os.path.realpath(self.path)
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite_utils.Database(sqlite3.connect(self.path, check_same_thread=False))
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
                # Checkpoint every ~40 MB of log rather than SQLite's 4 MB: an ingest commits per
                # file and rewrites the same index and full-text pages, and each checkpoint copied
                # them (and synced) again; ~20% of the writer's CPU (scripts/benchmark.py). Readers
                # are unaffected (the log is indexed) and closing the store checkpoints it.
                self.db.execute("PRAGMA wal_autocheckpoint=10000")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc})") from exc

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            bump = f"{_NEW_GENERATION};" if number >= 2 else ""  # store_meta exists from 2 on
            with self.db.conn:
                self.db.conn.executescript(f"BEGIN; {script}; {bump} PRAGMA user_version={number}; COMMIT;")

    def close(self) -> None:
        self.db.close()

    # ---- writing -------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def add(self, extractions: list[Extraction], passages: dict[str, list[Passage]] | None = None) -> bool:
        """Store one file's extractions (one, or the parts of a compilation) in one transaction.

        Returns False, writing nothing, when the first document is already stored.
        """
        return self.add_prepared(prepare(extractions, passages))

    def add_prepared(self, prepared: PreparedFile) -> bool:
        """:meth:`add` for rows made beforehand by :func:`prepare` (in an ingest worker)."""
        if not prepared.documents or self.has_document(prepared.documents[0].id):
            return False
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            with self._transaction():
                for doc in prepared.documents:
                    self._insert(doc, now)
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: could not store {prepared.source}: {exc}") from exc
        return True

    @contextlib.contextmanager
    def _transaction(self) -> Iterator[None]:
        """All or nothing. sqlite-utils' insert helpers commit on their own (each opens a
        ``with conn:`` block), so writes inside a transaction go through ``_insert_rows``."""
        conn = self.db.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield
            conn.execute(_NEW_GENERATION)  # every write voids what was cached about the store
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def _insert_rows(self, table: str, rows: Iterable[dict[str, Any]], replace: bool = True) -> None:
        rows = list(rows)
        if not rows:
            return
        columns = list(rows[0])
        names = ", ".join(f'"{c}"' for c in columns)
        marks = ", ".join("?" * len(columns))
        verb = "INSERT OR REPLACE" if replace else "INSERT"
        self.db.conn.executemany(f'{verb} INTO "{table}" ({names}) VALUES ({marks})',
                                 [[r[c] for c in columns] for r in rows])

    def _insert(self, doc: PreparedDocument, now: str) -> None:
        d = doc.id
        for table, columns, rows in doc.tables:
            if not rows:
                continue
            if table == "documents":  # stamped when written
                columns, rows, verb = columns + ("ingested_at",), [r + (now,) for r in rows], "INSERT"
            else:
                verb = "INSERT OR REPLACE"
            names = ", ".join(f'"{c}"' for c in columns)
            marks = ", ".join("?" * len(columns))
            self.db.conn.executemany(f'{verb} INTO "{table}" ({names}) VALUES ({marks})', rows)
        passages = doc.passages
        if passages:
            # The ids SQLite would give one by one (max + 1; no other writer inside the
            # transaction), so both tables take their rows in one statement each.
            conn = self.db.conn
            first = conn.execute("SELECT ifnull(max(id), 0) + 1 FROM passages").fetchone()[0]
            ids = range(first, first + len(passages))
            conn.executemany('INSERT INTO passages(id, doc_id, start, "end") VALUES (?, ?, ?, ?)',
                             [(i, d, p.start, p.end) for i, p in zip(ids, passages)])
            conn.executemany("INSERT INTO passages_fts(rowid, tokens) VALUES (?, ?)",
                             [(i, p.tokens) for i, p in zip(ids, passages)])

    # ---- reading -------------------------------------------------------------------------

    def document(self, ref: str) -> dict[str, Any]:
        """A document by id, unique id prefix (≥ 6 characters) or source name."""
        rows = list(self.db.query("SELECT * FROM documents WHERE id = ? OR source = ?", [ref, ref]))
        if not rows and len(ref) >= 6:
            rows = list(self.db.query("SELECT * FROM documents WHERE id LIKE ? LIMIT 2", [ref + "%"]))
        if len(rows) != 1:
            raise NotFound(f"no document {'is' if not rows else 'uniquely'} named {ref!r}")
        row = rows[0]
        row["warnings"] = json.loads(row["warnings"] or "[]")
        return row

    def load_document(self, ref: str) -> Document:
        """The stored Document (text, meta and sections) for re-use by services."""
        row = self.document(ref)
        sections = [
            Section(s["heading"], s["level"], s["numbering"], Span(s["start"], s["end"]),
                    Span(s["heading_start"], s["heading_end"]))
            for s in self.db.query("SELECT * FROM sections WHERE doc_id = ? ORDER BY idx", [row["id"]])
        ]
        return Document(
            id=row["id"], source=row["source"], format=row["format"], text=row["text"], title=row["title"] or "",
            doc_type=row["doc_type"] or "other",
            meta=Meta(row["region"], row["year"], row["issuer"], row["date"], row["proposal_no"], row["delegate"]),
            sections=sections, warnings=row["warnings"], parent_id=row["parent_id"],
            parent_range=Span(row["parent_start"], row["parent_end"]) if row["parent_id"] else None,
        )

    def load_extraction(self, ref: str) -> Extraction:
        """The stored Document with its figures, statements and claims, as model objects."""
        doc = self.load_document(ref)
        d = doc.id
        figures = [
            Figure(Span(r["start"], r["end"]), r["text"], Decimal(r["value"]), r["unit"],
                   None if r["value_max"] is None else Decimal(r["value_max"]), r["measure_word"], r["qualifier"],
                   r["direction"], r["label"], r["period"])
            for r in self.db.query('SELECT * FROM figures WHERE doc_id = ? ORDER BY start', [d])
        ]
        statements = [
            Statement(Span(r["start"], r["end"]), r["text"], r["kind"], r["category"], r["confidence"], r["section"] or "")
            for r in self.db.query('SELECT * FROM statements WHERE doc_id = ? ORDER BY start', [d])
        ]
        claims = [
            RectificationClaim(Span(r["start"], r["end"]), r["text"], r["recommendation_count"], r["status"])
            for r in self.db.query('SELECT * FROM claims WHERE doc_id = ? ORDER BY start', [d])
        ]
        return Extraction(doc, figures=figures, statements=statements, claims=claims)

    def documents(self, *, doc_type: str | None = None, region: str | None = None, year: int | None = None,
                  limit: int = 50, offset: int = 0) -> Page:
        where, params = self._where(doc_type=doc_type, region=region, year=year, prefix="")
        return self._page(
            "SELECT id, source, format, title, doc_type, region, year, issuer, date, proposal_no, delegate,"
            f" parent_id, n_chars, ingested_at FROM documents {where} ORDER BY year DESC, source",
            params, limit, offset, count_sql=f"SELECT count(*) FROM documents {where}",
        )

    def figures(self, *, label: str | None = None, unit: str | None = None, min_value: float | None = None,
                max_value: float | None = None, region: str | None = None, year: int | None = None,
                doc_id: str | None = None, inconsistent: bool = False, limit: int = 100, offset: int = 0) -> Page:
        where, params = self._where(region=region, year=year, prefix="d.")
        clauses = [where[6:]] if where else []
        for cond, value in (("f.label LIKE ?", f"%{label}%" if label else None), ("f.unit = ?", unit),
                            ("f.value_num >= ?", min_value), ("f.value_num <= ?", max_value), ("f.doc_id = ?", doc_id)):
            if value is not None:
                clauses.append(cond)
                params.append(value)
        if inconsistent:
            clauses.append("EXISTS (SELECT 1 FROM checks c WHERE c.doc_id = f.doc_id AND c.consistent = 0"
                           " AND c.figure_spans LIKE '%[' || f.start || ', ' || f.\"end\" || ']%')")
        # A narrow value range (a few figures of the unit) is quicker read from figures(unit, value_num)
        # and sorted than found by walking a year's 12,000 figures.
        narrow = (unit is not None and (min_value, max_value) != (None, None)
                  and self._value_range_size(unit, min_value, max_value) < _NARROW_RANGE)
        return self._items_page("f.*, d.source, d.region, d.year", "figures f", "figures_doc_items", clauses, params,
                                doc_id=doc_id, doc_filter=bool(where), limit=limit, offset=offset,
                                drive="figures_unit_value" if narrow else None)

    def _value_range_size(self, unit: str, low: float | None, high: float | None) -> int:
        """How many figures of ``unit`` lie in [low, high], counted up to ``_NARROW_RANGE`` only."""
        bounds = [(c, v) for c, v in (("value_num >= ?", low), ("value_num <= ?", high)) if v is not None]
        return int(self.db.execute(
            "SELECT count(*) FROM (SELECT 1 FROM figures INDEXED BY figures_unit_value WHERE unit = ?"
            + "".join(f" AND {c}" for c, _ in bounds) + " LIMIT ?)",
            [unit, *(v for _, v in bounds), _NARROW_RANGE]).fetchone()[0])

    def checks(self, *, doc_id: str | None = None, inconsistent: bool = False, limit: int = 100,
               offset: int = 0) -> Page:
        clauses, params = [], []
        if doc_id:
            clauses.append("c.doc_id = ?")
            params.append(doc_id)
        if inconsistent:
            clauses.append("c.consistent = 0")
        base = "FROM checks c JOIN documents d ON d.id = c.doc_id" + (" WHERE " + " AND ".join(clauses) if clauses else "")
        page = self._page(f"SELECT c.*, d.source, d.region, d.year {base} ORDER BY c.doc_id, c.start", params, limit,
                          offset, count_sql=f"SELECT count(*) {base}")
        for row in page.rows:
            row["figure_spans"] = json.loads(row["figure_spans"])
            row["consistent"] = bool(row["consistent"])
        return page

    def statements(self, *, kind: str | None = None, category: str | None = None, region: str | None = None,
                   year: int | None = None, doc_id: str | None = None, limit: int = 100, offset: int = 0) -> Page:
        where, params = self._where(region=region, year=year, prefix="d.")
        clauses = [where[6:]] if where else []
        for cond, value in (("s.kind = ?", kind), ("s.category = ?", category), ("s.doc_id = ?", doc_id)):
            if value is not None:
                clauses.append(cond)
                params.append(value)
        return self._items_page("s.*, d.source, d.region, d.year, d.doc_type", "statements s", "statements_doc_items",
                                clauses, params, doc_id=doc_id, doc_filter=bool(where), limit=limit, offset=offset)

    def _items_page(self, select: str, table: str, index: str, clauses: list[str], params: list[Any], *,
                    doc_id: str | None, doc_filter: bool, limit: int, offset: int, drive: str | None = None) -> Page:
        """A page of items (``table`` as "figures f") with their documents, newest documents first,
        then in text order.

        Left to itself (no statistics) SQLite drives these joins from the items' kind or unit index
        and sorts all of them: 0.2–2.5 s on 10,000 documents. Walking documents(year DESC, id, region,
        doc_type) and each one's items by (doc_id, start, filtered columns) reads indexes only, gives a
        page after a few documents without a sort, and counts a year's or a region's items from those
        documents alone (a scan of the whole documents index, 2 ms, when only a region is given).
        ``d.id`` stands for the item's doc_id in the order (equal by the join) so that the index gives it.
        ``drive`` names an index of the items' own filter to start from instead, when it is narrow."""
        alias = table.split()[1]
        where = " WHERE " + " AND ".join(clauses) if clauses else ""
        natural = f"FROM {table} JOIN documents d ON d.id = {alias}.doc_id{where}"
        walk = (f"FROM documents d INDEXED BY documents_year_id CROSS JOIN {table} INDEXED BY {index}"
                f" ON {alias}.doc_id = d.id{where}")
        order = f"ORDER BY d.year DESC, d.id, {alias}.start"
        if drive and not doc_id:
            driven = f"FROM {table} INDEXED BY {drive} CROSS JOIN documents d ON d.id = {alias}.doc_id{where}"
            return self._page(f"SELECT {select} {driven} {order}", params, limit, offset,
                              count_sql=f"SELECT count(*) {driven}")
        return self._page(f"SELECT {select} {natural if doc_id else walk} {order}", params, limit, offset,
                          count_sql=f"SELECT count(*) {walk if doc_filter and not doc_id else natural}")

    def claims(self, doc_id: str) -> list[dict[str, Any]]:
        return list(self.db.query('SELECT * FROM claims WHERE doc_id = ? ORDER BY start', [doc_id]))

    def search(self, query: str, *, limit: int = 20, offset: int = 0, doc_type: str | None = None,
               region: str | None = None) -> Page:
        """Passages matching every word of ``query``, best first (BM25), with their text."""
        tokens = _query_tokens(query)
        if not tokens:
            raise InvalidRequest("the search query has no words")
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        where, params = self._where(doc_type=doc_type, region=region, prefix="d.")
        if where:
            hits = ("FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN documents d ON d.id = p.doc_id"
                    f" WHERE passages_fts MATCH ? AND {where[6:]}")
        else:  # the index alone: no join for each of perhaps 30,000 matches
            hits = "FROM passages_fts WHERE passages_fts MATCH ?"
        # Rank first, then read text for the page only (reading it for every match took 200 ms);
        # rowid breaks ties so that pages never overlap.
        ranking = f"SELECT passages_fts.rowid AS id, bm25(passages_fts) AS score {hits} ORDER BY score, id"
        args = [match, *params]
        if offset + limit <= _SEARCH_KEPT:
            # The first pages of a query are ranked once per store state (BM25 over 30,000 passages
            # for a common word is most of a search): the next page, or the same query again, reads them.
            _check_page(limit, offset)
            kept = self._cached(("search", ranking, *args), lambda: [
                {"id": r[0], "score": r[1]} for r in self.db.execute(f"{ranking} LIMIT {_SEARCH_KEPT}", args)])
            total = len(kept) if len(kept) < _SEARCH_KEPT else self._count(f"SELECT count(*) {hits}", args)
            page = Page(kept[offset:offset + limit], total, limit, offset)
        else:
            page = self._page(ranking, args, limit, offset, count_sql=f"SELECT count(*) {hits}")
        found = {r["id"]: r for r in self._passages_with_text([r["id"] for r in page.rows])}
        rows = [{**{k: v for k, v in found[r["id"]].items() if k != "id"}, "score": r["score"]} for r in page.rows]
        return Page(rows, page.total, limit, offset)

    def _passages_with_text(self, passage_ids: list[int]) -> list[dict[str, Any]]:
        if not passage_ids:
            return []
        marks = ",".join("?" * len(passage_ids))
        return list(self.db.query(
            "SELECT p.id, p.doc_id, p.start, p.\"end\", d.source, d.title, d.doc_type, d.region, d.year,"
            " substr(d.text, p.start + 1, p.\"end\" - p.start) AS text FROM passages p"
            f" JOIN documents d ON d.id = p.doc_id WHERE p.id IN ({marks})", passage_ids))

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look at what the store holds."""
        return copy.deepcopy(self._cached(("summary",), self._summary))

    def _summary(self) -> dict[str, Any]:
        one = lambda sql: self.db.execute(sql).fetchone()[0]  # noqa: E731
        return {
            "documents": one("SELECT count(*) FROM documents"),
            "by_type": dict(self.db.execute("SELECT doc_type, count(*) FROM documents GROUP BY doc_type").fetchall()),
            "figures": one("SELECT count(*) FROM figures"),
            "inconsistent_checks": one("SELECT count(*) FROM checks WHERE consistent = 0"),
            "checks": one("SELECT count(*) FROM checks"),
            "statements": one("SELECT count(*) FROM statements"),
            "by_kind": dict(self.db.execute("SELECT kind, count(*) FROM statements GROUP BY kind").fetchall()),
            "claims": one("SELECT count(*) FROM claims"),
        }

    def by_year(self) -> list[dict[str, Any]]:
        """Per document year: documents, figures, money cited (yuan) and statements by kind (trend charts)."""
        return copy.deepcopy(self._cached(("by_year",), self._by_year))

    def _by_year(self) -> list[dict[str, Any]]:
        years: dict[int, dict[str, Any]] = {}
        for year, n in self.db.execute("SELECT year, count(*) FROM documents WHERE year IS NOT NULL GROUP BY year"):
            years[year] = {"year": year, "documents": n, "figures": 0, "money": 0.0, "by_kind": {}}
        for year, n, money in self.db.execute(
                "SELECT d.year, count(*), total(CASE WHEN f.unit = 'CNY' THEN f.value_num END) FROM figures f"
                " JOIN documents d ON d.id = f.doc_id WHERE d.year IS NOT NULL GROUP BY d.year"):
            years[year].update(figures=n, money=money)
        for year, kind, n in self.db.execute(
                "SELECT d.year, s.kind, count(*) FROM statements s JOIN documents d ON d.id = s.doc_id"
                " WHERE d.year IS NOT NULL GROUP BY d.year, s.kind"):
            years[year]["by_kind"][kind] = n
        return [years[y] for y in sorted(years)]

    # ---- the recommendation register (rows computed by tracking.py) ----------------------

    def register_inputs(self) -> dict[str, list[dict[str, Any]]]:
        """Documents (with the head of their text, where they cite others), statements and claims."""
        return {
            "documents": list(self.db.query(
                "SELECT id, source, title, doc_type, region, year, issuer, date, proposal_no, delegate, parent_id,"
                " substr(text, 1, 6000) AS head FROM documents")),
            "statements": list(self.db.query("SELECT * FROM statements ORDER BY doc_id, start")),
            "claims": list(self.db.query("SELECT * FROM claims ORDER BY doc_id, start")),
        }

    def document_text(self, doc_id: str) -> str:
        row = self.db.execute("SELECT text FROM documents WHERE id = ?", [doc_id]).fetchone()
        if row is None:
            raise NotFound(f"no document {doc_id!r}")
        return str(row[0])

    def replace_register(self, register: list[dict[str, Any]], links: list[dict[str, Any]], fingerprint: str) -> None:
        """Swap in a freshly computed register in one transaction (decisions are kept)."""
        with self._transaction():
            self.db.conn.execute("DELETE FROM register")
            self.db.conn.execute("DELETE FROM links")
            self._insert_rows("register", register)
            self._insert_rows("links", links)
            self._insert_rows("store_meta", [{"key": "register_fingerprint", "value": fingerprint}])

    def register_fingerprint(self) -> tuple[str, str | None]:
        """(what the documents look like now, what they looked like when the register was built)."""
        now = self.db.execute("SELECT count(*) || '|' || ifnull(max(ingested_at), '') FROM documents").fetchone()[0]
        row = self.db.execute("SELECT value FROM store_meta WHERE key = 'register_fingerprint'").fetchone()
        return str(now), (row[0] if row else None)

    def register_rows(self, *, status: str | None = None, region: str | None = None, category: str | None = None,
                      kind: str | None = None, year: int | None = None, doc_id: str | None = None,
                      limit: int = 1000, offset: int = 0) -> Page:
        clauses, params = [], []
        for cond, value in (("r.status = ?", status), ("r.region LIKE ?", f"%{region}%" if region else None),
                            ("r.category = ?", category), ("r.kind = ?", kind), ("r.year = ?", year),
                            ("r.doc_id = ?", doc_id)):
            if value is not None:
                clauses.append(cond)
                params.append(value)
        sql = ("SELECT r.*, d.source FROM register r JOIN documents d ON d.id = r.doc_id"
               + (" WHERE " + " AND ".join(clauses) if clauses else "")
               + " ORDER BY r.year IS NULL, r.year, r.doc_id, r.start")
        return self._page(sql, params, limit, offset)

    def links_for(self, rec_ids: list[str]) -> dict[str, list[dict[str, Any]]]:
        out: dict[str, list[dict[str, Any]]] = {r: [] for r in rec_ids}
        for chunk in range(0, len(rec_ids), 500):
            ids = rec_ids[chunk:chunk + 500]
            marks = ",".join("?" * len(ids))
            for row in self.db.query(
                    f"SELECT l.*, d.source FROM links l JOIN documents d ON d.id = l.doc_id WHERE rec_id IN ({marks})"
                    " ORDER BY score DESC", ids):
                out[row["rec_id"]].append(row)
        return out

    def link(self, link_id: str) -> dict[str, Any]:
        row = self.db.execute("SELECT id, rec_id FROM links WHERE id = ?", [link_id]).fetchone()
        if row is None:
            raise NotFound(f"no link {link_id!r}")
        return {"id": row[0], "rec_id": row[1]}

    def update_register_item(self, rec_id: str, links: list[dict[str, Any]], fields: dict[str, Any]) -> None:
        """Write one item's re-derived status and its links' decisions, in one transaction."""
        with self._transaction():
            sets = ", ".join(f'"{k}" = ?' for k in fields)
            self.db.conn.execute(f"UPDATE register SET {sets} WHERE id = ?", [*fields.values(), rec_id])
            self.db.conn.executemany(
                "UPDATE links SET decided = ?, suggestion = CASE WHEN ? IS NULL THEN suggestion ELSE 0 END WHERE id = ?",
                [(lk["decided"], lk["decided"], lk["id"]) for lk in links])

    def register_item(self, rec_id: str) -> dict[str, Any]:
        rows = list(self.db.query("SELECT * FROM register WHERE id = ? OR id LIKE ?", [rec_id, rec_id + "%"]))
        if len(rows) != 1:
            raise NotFound(f"no recommendation {'is' if not rows else 'uniquely'} named {rec_id!r}")
        return rows[0]

    def add_decision(self, target: str, target_id: str, decision: str, note: str | None) -> dict[str, Any]:
        row = {"target": target, "target_id": target_id, "decision": decision, "note": note,
               "decided_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        with self._transaction():
            self._insert_rows("decisions", [row])
        return row

    def decisions(self) -> list[dict[str, Any]]:
        """Every decision, oldest first: a later decision on the same target overrides an earlier one."""
        return list(self.db.query("SELECT * FROM decisions ORDER BY id"))

    # ---- retrieval (used by answering.py) ---------------------------------------------------

    def passage_count(self) -> int:
        return int(self._cached(("passages",), lambda: self.db.execute("SELECT count(*) FROM passages").fetchone()[0]))

    def token_doc_frequency(self, tokens: list[str]) -> dict[str, int]:
        """How many passages contain each word (counted by reading the word's whole list of passages,
        a millisecond for a common word, so kept until the next write)."""
        if not tokens:
            return {}
        return {t: self._cached(("df", t), lambda t=t: self._doc_frequency(t)) for t in tokens}

    def _doc_frequency(self, token: str) -> int:
        row = self.db.execute("SELECT doc FROM passages_vocab WHERE term = ?", [token]).fetchone()
        return int(row[0]) if row else 0

    def bm25_passages(self, tokens: list[str], limit: int = 200) -> list[tuple[int, float]]:
        """(passage id, BM25 score; higher is better) for the best ``limit`` passages containing any
        of ``tokens`` (ties by passage id).

        BM25 is computed for every passage that matches, 50,000 for an ask with a few common words.
        A passage's score is the sum of one part per word, so words too common to lift a passage
        into the best ``limit`` on their own are split off (max-score pruning): only passages with
        at least one of the other words are scored, by two queries whose phrase lists equal the
        full query's, so scores and order are exactly the full query's."""
        if not tokens:
            return []
        df = self.token_doc_frequency(tokens)
        rare, common = self._split_common(sorted(tokens, key=lambda t: df[t]), df, limit)
        if not common:
            return self._bm25(_any_of(tokens), limit)
        rows = (self._bm25(f"({_any_of(rare)}) AND ({_any_of(common)})", limit)
                + self._bm25(f"({_any_of(rare)}) NOT ({_any_of(common)})", limit))
        return sorted(rows, key=lambda r: (-r[1], r[0]))[:limit]

    def _bm25(self, match: str, limit: int) -> list[tuple[int, float]]:
        rows = self.db.execute(
            # ORDER BY the score column, not rank: SQLite then keeps only the best ``limit`` rows,
            # where FTS5's rank order sorts every match
            "SELECT rowid, bm25(passages_fts) AS score FROM passages_fts WHERE passages_fts MATCH ?"
            " ORDER BY score, rowid LIMIT ?", [match, limit]).fetchall()
        return [(int(r[0]), -float(r[1])) for r in rows]

    def _split_common(self, tokens: list[str], df: dict[str, int], limit: int) -> tuple[list[str], list[str]]:
        """``tokens`` (rarest first) as (rare, common): the common ones' best possible parts add up to
        less than ``limit`` passages are known to reach, so a passage with common words only is never
        among the best ``limit``. Each word's best passages are cached until the next write."""
        if sum(df.values()) < _PRUNE_MIN_MATCHES or len(tokens) < 2:
            return tokens, []
        tops = {t: self._word_top(t, limit) for t in tokens if df[t] >= limit}
        # A passage scores at least the sum of the parts known from the words' own best lists.
        known: dict[int, float] = {}
        for top in tops.values():
            for rowid, part in top:
                known[rowid] = known.get(rowid, 0.0) + part
        if len(known) < limit:
            return tokens, []
        reached = sorted(known.values(), reverse=True)[limit - 1]
        cut, ceiling = len(tokens), 0.0
        while cut > 1 and tokens[cut - 1] in tops and ceiling + tops[tokens[cut - 1]][0][1] < reached * _PRUNE_MARGIN:
            cut -= 1
            ceiling += tops[tokens[cut]][0][1]
        return tokens[:cut], tokens[cut:]

    def _word_top(self, token: str, limit: int) -> list[tuple[int, float]]:
        """The best ``limit`` passages for one word, with its BM25 part in each."""
        return self._cached(("word_top", token, limit),  # type: ignore[no-any-return]
                            lambda: self._bm25(_any_of([token]), limit))

    def passage_rows(self, passage_ids: list[int]) -> list[dict[str, Any]]:
        """Passages with their text, document metadata, statements and figures inside them."""
        rows = self._passages_with_text(passage_ids)
        # One join each for all the passages rather than two queries per passage (400 for 200 hits)
        statements = self._inside(
            'SELECT p.id, s.id, s.kind, s.category, s.text, s.start, s."end", s.section FROM passages p'
            ' JOIN statements s ON s.doc_id = p.doc_id AND s.start < p."end" AND s."end" > p.start', "s.start",
            passage_ids)
        figures = self._inside(  # f.start <= p.end follows from the others; it bounds the index range
            'SELECT p.id, f.id, f.text, f.value, f.unit, f.label, f.start, f."end" FROM passages p'
            ' JOIN figures f ON f.doc_id = p.doc_id AND f.start >= p.start AND f.start <= p."end"'
            ' AND f."end" <= p."end"', "f.start", passage_ids)
        for row in rows:
            row["statements"] = statements.get(row["id"], [])
            row["figures"] = figures.get(row["id"], [])
        return rows

    def _inside(self, select: str, order: str, passage_ids: list[int]) -> dict[int, list[dict[str, Any]]]:
        """``select``'s items (its first column the passage id) by passage, each in text order."""
        out: dict[int, list[dict[str, Any]]] = {}
        for chunk in range(0, len(passage_ids), 500):
            ids = passage_ids[chunk:chunk + 500]
            cursor = self.db.conn.execute(
                f"{select} WHERE p.id IN ({','.join('?' * len(ids))}) ORDER BY p.id, {order}", ids)
            names = [c[0] for c in cursor.description[1:]]
            for pid, *values in cursor:
                out.setdefault(pid, []).append(dict(zip(names, values)))
        return out

    # ---- audits ----------------------------------------------------------------------------

    def save_audit(self, doc_id: str, score: float, subscores: dict[str, Any], flags: list[str]) -> None:
        row = {"doc_id": doc_id, "score": score, "subscores": json.dumps(subscores, ensure_ascii=False),
               "flags": json.dumps(flags, ensure_ascii=False),
               "audited_at": datetime.now(timezone.utc).isoformat(timespec="seconds")}
        with self._transaction():
            self._insert_rows("audits", [row])

    def audits(self, *, doc_type: str | None = None, limit: int = 1000, offset: int = 0) -> Page:
        clauses, params = [], []
        if doc_type:
            clauses.append("d.doc_type = ?")
            params.append(doc_type)
        sql = ("SELECT a.*, d.source, d.doc_type, d.issuer, d.region, d.year FROM audits a"
               " JOIN documents d ON d.id = a.doc_id" + (" WHERE " + " AND ".join(clauses) if clauses else "")
               + " ORDER BY a.score DESC")
        page = self._page(sql, params, limit, offset)
        for row in page.rows:
            row["subscores"] = json.loads(row["subscores"])
            row["flags"] = json.loads(row["flags"])
        return page

    def iter_documents(self, columns: str = "id") -> Iterator[dict[str, Any]]:
        yield from self.db.query(f"SELECT {columns} FROM documents ORDER BY id")

    def _page(self, sql: str, params: list[Any], limit: int, offset: int, count_sql: str | None = None) -> Page:
        """One page of ``sql``. The total is counted once per store state (``count_sql``, when given,
        counts the same rows without ordering them) and then served from the cache."""
        _check_page(limit, offset)
        rows = list(self.db.query(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset]))
        if 0 < len(rows) < limit or (not rows and not offset):
            return Page(rows, offset + len(rows), limit, offset)  # the last page tells the total itself
        return Page(rows, self._count(count_sql or f"SELECT count(*) FROM ({sql})", params), limit, offset)

    def _count(self, count_sql: str, params: list[Any]) -> int:
        return int(self._cached(("count", count_sql, *params), lambda: self.db.execute(count_sql, params).fetchone()[0]))

    def generation(self) -> str:
        """A token that changes with every write to the store, from any process (random, so a
        recreated file never repeats one): what caches of derived results are keyed on."""
        row = self.db.execute("SELECT value FROM store_meta WHERE key = 'generation'").fetchone()
        return str(row[0]) if row else ""

    def _cached(self, key: tuple[Any, ...], compute: Callable[[], Any]) -> Any:
        """``compute()``, remembered until the next write to the store. Requests that want the same
        value at once wait for the first to compute it rather than all computing it."""
        full = (self._cache_id, self.generation(), *key)
        with _CACHE_LOCK:
            if full in _CACHE:
                _CACHE.move_to_end(full)
                return _CACHE[full][0]
            computing = _COMPUTING.setdefault(full, threading.Lock())
        with computing:
            with _CACHE_LOCK:
                if full in _CACHE:
                    return _CACHE[full][0]
            try:
                value = compute()
                with _CACHE_LOCK:
                    _remember(full, value)
            finally:
                with _CACHE_LOCK:
                    _COMPUTING.pop(full, None)
        return value

    def _where(self, prefix: str, **filters: Any) -> tuple[str, list[Any]]:
        clauses, params = [], []
        for column, value in filters.items():
            if value is None:
                continue
            regions = self._regions_like(value) if column == "region" else None
            if regions is None or len(regions) > _MAX_REGIONS_IN:
                op, arg = ("LIKE", f"%{value}%") if column == "region" else ("=", value)
                clauses.append(f"{prefix}{column} {op} ?")
                params.append(arg)
            else:
                clauses.append(f"{prefix}region IN ({','.join('?' * len(regions))})")
                params += regions
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def _regions_like(self, part: str) -> list[str]:
        """The stored regions that ``LIKE '%part%'`` matches. A substring match cannot use an index,
        so it runs once over the distinct regions, and listings filter on an indexed IN list."""
        return self._cached(("regions", part), lambda: [r[0] for r in self.db.execute(
            "SELECT DISTINCT region FROM documents WHERE region LIKE ?", [f"%{part}%"])])


def _remember(key: tuple[Any, ...], value: Any) -> None:
    """Cache ``value`` (under ``_CACHE_LOCK``), dropping the least recently used beyond the budget."""
    global _cache_used
    size = len(value) if isinstance(value, (list, tuple, dict)) else 1
    if key in _CACHE:
        _cache_used -= _CACHE.pop(key)[1]
    _CACHE[key] = (value, size)
    _cache_used += size
    while _cache_used > _CACHE_SIZE and len(_CACHE) > 1:
        _cache_used -= _CACHE.popitem(last=False)[1][1]


def _check_page(limit: int, offset: int) -> None:
    if limit < 1 or limit > 1000 or offset < 0:
        raise InvalidRequest("limit must be 1..1000 and offset ≥ 0")


def _any_of(tokens: list[str]) -> str:
    """An FTS5 query matching any of ``tokens``, each quoted as a phrase."""
    return " OR ".join('"' + t.replace('"', '""') + '"' for t in tokens)


def _query_tokens(query: str) -> list[str]:
    """The finest words of a query. A document's text is indexed in search mode, but a compound
    may be cut differently in context (预算执行 vs 预算/执行率), so only the parts must match."""
    tokens = list(dict.fromkeys(t for t in search_tokens(query) if t.strip()))
    return [t for t in tokens if not any(o != t and o in t for o in tokens)]


class PreparedDocument(NamedTuple):
    id: str
    tables: list[tuple[str, tuple[str, ...], list[tuple[Any, ...]]]]  # (table, columns, rows)
    passages: list[Passage]
    chars: int


class PreparedFile(NamedTuple):
    """One file's rows, made where it was extracted: an ingest worker sends tuples, which pickle
    several times faster than the extraction objects, and the writer only runs SQL."""

    source: str
    documents: list[PreparedDocument]

    def count(self, table: str) -> int:
        return sum(len(rows) for doc in self.documents for name, _, rows in doc.tables if name == table)


def prepare(extractions: list[Extraction], passages: dict[str, list[Passage]] | None = None) -> PreparedFile:
    """The rows :meth:`Store.add` writes for one file's extractions (``ingested_at`` is added
    when they are written)."""
    docs = []
    for ex in extractions:
        tables = []
        for table, rows in _rows_of(ex):
            columns = tuple(rows[0]) if rows else ()
            tables.append((table, columns, [tuple(r[c] for c in columns) for r in rows]))
        docs.append(PreparedDocument(ex.document.id, tables, (passages or {}).get(ex.document.id, []),
                                     len(ex.document.text)))
    return PreparedFile(extractions[0].document.source if extractions else "", docs)


def _rows_of(ex: Extraction) -> list[tuple[str, list[dict[str, Any]]]]:
    doc = ex.document
    d = doc.id
    document = _document_row(doc, "")
    del document["ingested_at"]
    return [
        ("documents", [document]),
        ("sections", [
            {"doc_id": d, "idx": i, "heading": s.heading, "level": s.level, "numbering": s.numbering,
             "start": s.span.start, "end": s.span.end,
             "heading_start": s.heading_span.start, "heading_end": s.heading_span.end}
            for i, s in enumerate(doc.sections)
        ]),
        ("figures", [_figure_row(d, f) for f in ex.figures]),
        ("checks", [_check_row(d, c) for c in ex.checks]),
        ("statements", [
            {"id": item_id(d, s.span, s.kind), "doc_id": d, "start": s.span.start, "end": s.span.end,
             "text": s.text, "kind": s.kind, "category": s.category, "confidence": s.confidence,
             "section": s.section} for s in ex.statements
        ]),
        ("claims", [
            {"id": item_id(d, c.span, "claim"), "doc_id": d, "start": c.span.start, "end": c.span.end,
             "text": c.text, "recommendation_count": c.recommendation_count, "status": c.status}
            for c in ex.claims
        ]),
    ]


def item_id(doc_id: str, span: Span, kind: str) -> str:
    """A stable id for an extracted item: the same document text always gives the same id.

    It opens with the document's id, so that one document's items sit side by side in the
    id indexes: with ids that are hashes alone every figure and statement landed on a page of
    its own, and each document's commit wrote ~170 index pages (a 2,000-document store; ~110
    with the prefix, a fifth less writer CPU). Stores written before keep their ids.
    """
    return doc_id[:6] + hashlib.sha1(f"{doc_id}|{span.start}|{span.end}|{kind}".encode()).hexdigest()[:14]


def _document_row(doc: Document, now: str) -> dict[str, Any]:
    m = doc.meta
    return {
        "id": doc.id, "source": doc.source, "format": doc.format, "title": doc.title, "doc_type": doc.doc_type,
        "region": m.region, "year": m.year, "issuer": m.issuer, "date": m.date, "proposal_no": m.proposal_no,
        "delegate": m.delegate, "parent_id": doc.parent_id,
        "parent_start": doc.parent_range.start if doc.parent_range else None,
        "parent_end": doc.parent_range.end if doc.parent_range else None,
        "text": doc.text, "n_chars": len(doc.text), "warnings": json.dumps(doc.warnings, ensure_ascii=False),
        "ingested_at": now,
    }


def _figure_row(doc_id: str, f: Any) -> dict[str, Any]:
    return {
        "id": item_id(doc_id, f.span, "figure"), "doc_id": doc_id, "start": f.span.start, "end": f.span.end,
        "text": f.text, "value": str(f.value), "value_num": float(f.value),
        "value_max": None if f.value_max is None else str(f.value_max), "unit": f.unit,
        "measure_word": f.measure_word, "qualifier": f.qualifier, "direction": f.direction,
        "label": f.label, "period": f.period,
    }


def _check_row(doc_id: str, c: Any) -> dict[str, Any]:
    spans = [[s.start, s.end] for s in c.figure_spans]
    return {
        "id": item_id(doc_id, Span(min(s[0] for s in spans), max(s[1] for s in spans)), c.relation),
        "doc_id": doc_id, "relation": c.relation, "figure_spans": json.dumps(spans),
        "stated": str(c.stated), "computed": str(c.computed), "tolerance": str(c.tolerance),
        "consistent": int(c.consistent), "explanation": c.explanation,
        "start": min(s[0] for s in spans), "end": max(s[1] for s in spans),
    }

