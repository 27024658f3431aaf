"""The store: SQLite through sqlite-utils. The only module that issues SQL.

The schema is declared once here and migrated by ``PRAGMA user_version``. Each ingested file is
written inside one transaction, so a failure never leaves half a document. Full-text search
indexes jieba search-mode tokens in FTS5 (the default unicode61 tokenizer finds almost nothing
in Chinese and trigram cannot match two-character queries such as 整改: see MEASURED.md).
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import sqlite_utils

from .document import Document, Extraction, Meta, Section, Span
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
]


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
            else:
                Path(self.path).parent.mkdir(parents=True, exist_ok=True)
                self.db = sqlite_utils.Database(sqlite3.connect(self.path, check_same_thread=False))
                self.db.execute("PRAGMA journal_mode=WAL")
                self.db.execute("PRAGMA synchronous=NORMAL")
            self.db.execute("PRAGMA foreign_keys=ON")
            self._migrate()
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: cannot open the database ({exc})") from exc

    def _migrate(self) -> None:
        version = self.db.execute("PRAGMA user_version").fetchone()[0]
        for number, script in enumerate(MIGRATIONS[version:], start=version + 1):
            with self.db.conn:
                self.db.conn.executescript(f"BEGIN; {script}; PRAGMA user_version={number}; COMMIT;")

    def close(self) -> None:
        self.db.close()

    # ---- writing -------------------------------------------------------------------------

    def has_document(self, doc_id: str) -> bool:
        return self.db.execute("SELECT 1 FROM documents WHERE id = ?", [doc_id]).fetchone() is not None

    def add(self, extractions: list[Extraction], passages: dict[str, list[Passage]] | None = None) -> bool:
        """Store one file's extractions (one, or the parts of a compilation) in one transaction.

        Returns False, writing nothing, when the first document is already stored.
        """
        if not extractions or self.has_document(extractions[0].document.id):
            return False
        now = datetime.now(timezone.utc).isoformat(timespec="seconds")
        try:
            with self.db.conn:
                for ex in extractions:
                    self._insert(ex, now, (passages or {}).get(ex.document.id, []))
        except sqlite3.DatabaseError as exc:
            raise StoreError(f"{self.path}: could not store {extractions[0].document.source}: {exc}") from exc
        return True

    def _insert(self, ex: Extraction, now: str, passages: list[Passage]) -> None:
        doc = ex.document
        d = doc.id
        self.db["documents"].insert(_document_row(doc, now))
        self.db["sections"].insert_all(
            {"doc_id": d, "idx": i, "heading": s.heading, "level": s.level, "numbering": s.numbering,
             "start": s.span.start, "end": s.span.end,
             "heading_start": s.heading_span.start, "heading_end": s.heading_span.end}
            for i, s in enumerate(doc.sections)
        )
        self.db["figures"].insert_all((_figure_row(d, f) for f in ex.figures), replace=True)
        self.db["checks"].insert_all((_check_row(d, c) for c in ex.checks), replace=True)
        self.db["statements"].insert_all(
            ({"id": item_id(d, s.span, s.kind), "doc_id": d, "start": s.span.start, "end": s.span.end,
              "text": s.text, "kind": s.kind, "category": s.category, "confidence": s.confidence,
              "section": s.section} for s in ex.statements),
            replace=True,
        )
        self.db["claims"].insert_all(
            ({"id": item_id(d, c.span, "claim"), "doc_id": d, "start": c.span.start, "end": c.span.end,
              "text": c.text, "recommendation_count": c.recommendation_count, "status": c.status}
             for c in ex.claims),
            replace=True,
        )
        conn = self.db.conn
        for p in passages:
            cur = conn.execute('INSERT INTO passages(doc_id, start, "end") VALUES (?, ?, ?)', (d, p.start, p.end))
            conn.execute("INSERT INTO passages_fts(rowid, tokens) VALUES (?, ?)", (cur.lastrowid, p.tokens))

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

    def documents(self, *, doc_type: str | None = None, region: str | None = None, year: int | None = None,
                  limit: int = 50, offset: int = 0) -> Page:
        where, params = _where(doc_type=doc_type, region=region, year=year, prefix="")
        return self._page(
            "SELECT id, source, format, title, doc_type, region, year, issuer, date, proposal_no, delegate,"
            f" parent_id, n_chars, ingested_at FROM documents {where} ORDER BY year DESC, source",
            params, limit, offset,
        )

    def figures(self, *, label: str | None = None, unit: str | None = None, min_value: float | None = None,
                max_value: float | None = None, region: str | None = None, year: int | None = None,
                doc_id: str | None = None, inconsistent: bool = False, limit: int = 100, offset: int = 0) -> Page:
        where, params = _where(region=region, year=year, prefix="d.")
        clauses = [where[6:]] if where else []
        for cond, value in (("f.label LIKE ?", f"%{label}%" if label else None), ("f.unit = ?", unit),
                            ("f.value_num >= ?", min_value), ("f.value_num <= ?", max_value), ("f.doc_id = ?", doc_id)):
            if value is not None:
                clauses.append(cond)
                params.append(value)
        if inconsistent:
            clauses.append("EXISTS (SELECT 1 FROM checks c WHERE c.doc_id = f.doc_id AND c.consistent = 0"
                           " AND c.figure_spans LIKE '%[' || f.start || ', ' || f.\"end\" || ']%')")
        sql = ("SELECT f.*, d.source, d.region, d.year FROM figures f JOIN documents d ON d.id = f.doc_id"
               + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY d.year DESC, f.doc_id, f.start")
        return self._page(sql, params, limit, offset)

    def checks(self, *, doc_id: str | None = None, inconsistent: bool = False, limit: int = 100,
               offset: int = 0) -> Page:
        clauses, params = [], []
        if doc_id:
            clauses.append("c.doc_id = ?")
            params.append(doc_id)
        if inconsistent:
            clauses.append("c.consistent = 0")
        sql = ("SELECT c.*, d.source, d.region, d.year FROM checks c JOIN documents d ON d.id = c.doc_id"
               + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY c.doc_id, c.start")
        page = self._page(sql, params, limit, offset)
        for row in page.rows:
            row["figure_spans"] = json.loads(row["figure_spans"])
            row["consistent"] = bool(row["consistent"])
        return page

    def statements(self, *, kind: str | None = None, category: str | None = None, region: str | None = None,
                   year: int | None = None, doc_id: str | None = None, limit: int = 100, offset: int = 0) -> Page:
        where, params = _where(region=region, year=year, prefix="d.")
        clauses = [where[6:]] if where else []
        for cond, value in (("s.kind = ?", kind), ("s.category = ?", category), ("s.doc_id = ?", doc_id)):
            if value is not None:
                clauses.append(cond)
                params.append(value)
        sql = ("SELECT s.*, d.source, d.region, d.year, d.doc_type FROM statements s JOIN documents d ON d.id = s.doc_id"
               + (" WHERE " + " AND ".join(clauses) if clauses else "") + " ORDER BY d.year DESC, s.doc_id, s.start")
        return self._page(sql, params, limit, offset)

    def claims(self, doc_id: str) -> list[dict[str, Any]]:
        return list(self.db.query('SELECT * FROM claims WHERE doc_id = ? ORDER BY start', [doc_id]))

    def search(self, query: str, *, limit: int = 20, offset: int = 0, doc_type: str | None = None,
               region: str | None = None) -> Page:
        """Passages matching every word of ``query``, best first (BM25), with their text."""
        tokens = [t for t in search_tokens(query) if t.strip()]
        if not tokens:
            raise InvalidRequest("the search query has no words")
        match = " AND ".join('"' + t.replace('"', '""') + '"' for t in tokens)
        where, params = _where(doc_type=doc_type, region=region, prefix="d.")
        extra = (" AND " + where[6:]) if where else ""
        sql = ("SELECT p.doc_id, p.start, p.\"end\", d.source, d.title, d.doc_type, d.region, d.year,"
               " substr(d.text, p.start + 1, p.\"end\" - p.start) AS text, bm25(passages_fts) AS score"
               " FROM passages_fts JOIN passages p ON p.id = passages_fts.rowid JOIN documents d ON d.id = p.doc_id"
               f" WHERE passages_fts MATCH ?{extra} ORDER BY score")
        return self._page(sql, [match, *params], limit, offset)

    def summary(self) -> dict[str, Any]:
        """Counts for a quick look at what the store holds."""
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

    def iter_documents(self, columns: str = "id") -> Iterator[dict[str, Any]]:
        yield from self.db.query(f"SELECT {columns} FROM documents ORDER BY id")

    def _page(self, sql: str, params: list[Any], limit: int, offset: int) -> Page:
        if limit < 1 or limit > 1000 or offset < 0:
            raise InvalidRequest("limit must be 1..1000 and offset ≥ 0")
        total = self.db.execute(f"SELECT count(*) FROM ({sql})", params).fetchone()[0]
        rows = list(self.db.query(f"{sql} LIMIT ? OFFSET ?", [*params, limit, offset]))
        return Page(rows, total, limit, offset)


def item_id(doc_id: str, span: Span, kind: str) -> str:
    """A stable id for an extracted item: the same document text always gives the same id."""
    return hashlib.sha1(f"{doc_id}|{span.start}|{span.end}|{kind}".encode()).hexdigest()[:16]


def _where(prefix: str, **filters: Any) -> tuple[str, list[Any]]:
    clauses, params = [], []
    for column, value in filters.items():
        if value is None:
            continue
        if column == "region":
            clauses.append(f"{prefix}region LIKE ?")
            params.append(f"%{value}%")
        else:
            clauses.append(f"{prefix}{column} = ?")
            params.append(value)
    return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


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

