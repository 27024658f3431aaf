"""Statement extraction speed on the project's samples (prints figures; not a test).

usage: python scripts/bench_statements.py [FOLDER]   (default: corpora/samples)
"""

from __future__ import annotations

import pathlib
import sys
import time

from reportmine.document import Document
from reportmine.extractors import claims, classify, statements, structure
from reportmine.normalize import normalize


def main() -> None:
    folder = pathlib.Path(sys.argv[1] if len(sys.argv) > 1 else "corpora/samples")
    docs = []
    for path in sorted(folder.rglob("*.txt")):
        text = path.read_text(encoding="utf-8")
        doc = Document(id=path.name, source=path.name, format="txt", text=text)
        view = normalize(text)
        structure.annotate(doc, view)
        docs.append((doc, view))
    t0 = time.perf_counter()
    classify.get_models()
    statements.find_statements(*docs[0])
    warm = time.perf_counter() - t0
    t0 = time.perf_counter()
    found = 0
    for doc, view in docs:
        result = statements.find_statements(doc, view)
        claims.find_claims(doc, view, result)
        found += len(result)
    took = time.perf_counter() - t0
    chars = sum(len(d.text) for d, _ in docs)
    print(f"first call (model + jieba load): {warm:.2f} s")
    print(f"{len(docs)} documents, {chars:,} characters: {found} statements in {took:.2f} s")
    print(f"{found / took:,.0f} statements/s, {chars / took / 1000:,.0f}k characters/s")


if __name__ == "__main__":
    main()
