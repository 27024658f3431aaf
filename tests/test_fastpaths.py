"""The ingest fast paths give exactly what the plain computations they replace give."""

from __future__ import annotations

import random
import re
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from reportmine.document import Document
from reportmine.extractors import classify, region
from reportmine.extractors.statements import summed_counts
from reportmine.normalize import normalize, normalize_lines
from reportmine.passages import passages
from reportmine.pipeline import extract_document
from reportmine.store import Store, prepare

SAMPLES = sorted((Path(__file__).resolve().parents[1] / "corpora" / "samples").rglob("*.txt"))


def _texts() -> list[str]:
    texts = [p.read_text(encoding="utf-8") for p in SAMPLES[:12]]
    # full widths, a traditional character and layout spaces, which the view changes
    texts.append("一、總體情況\n項目資金（２０２３年）共 1,200 万元 ，执行率９５％。\n\n  二、存在问题\t\n")
    return texts


def test_normalize_lines_is_normalize_per_line() -> None:
    for text in _texts():
        lines = text.split("\n")
        assert normalize_lines(lines) == [normalize(line).text for line in lines]


def test_runs_before_organs_are_the_pattern_captures() -> None:
    pattern = re.compile(rf"([{region.CJK}]{{2,10}}?)(?={region.ORGAN})")
    texts = [normalize(t).text for t in _texts()] + ["受某某县财政局委托,县教育局和人民政府办公室,局委办"]
    for text in texts:
        assert region._runs_before_organs(text) == [m.group(1) for m in pattern.finditer(text)]


def _space() -> classify.FeatureSpace:
    rng = random.Random(5)
    words = [f"w:{i}" for i in range(300)]
    docs = [[rng.choice(words) for _ in range(rng.randint(1, 40))] for _ in range(60)]
    return classify.FeatureSpace.fit(docs, min_df=2)


def test_weights_are_those_of_the_scipy_expression() -> None:
    space = _space()
    rng = random.Random(7)
    vocab = list(space.vocabulary)
    docs = [[rng.choice(vocab) for _ in range(rng.randint(0, 50))] + ["unknown"] for _ in range(80)] + [[]]
    m = space.counts(docs)
    expected = m.copy()
    expected.data = (1.0 + np.log(expected.data)) * space.idf[expected.indices]
    norms = np.sqrt(np.asarray(expected.multiply(expected).sum(axis=1)).ravel())
    norms[norms == 0] = 1.0
    expected = sparse.csr_matrix(sparse.diags(1.0 / norms) @ expected)
    got = space.weigh(m)
    # same values in the same storage order, so the model's dot products are bit for bit equal
    assert np.array_equal(got.indptr, expected.indptr)
    assert np.array_equal(got.indices, expected.indices)
    assert np.array_equal(got.data, expected.data)


def test_summed_clause_counts_are_the_counts_of_joined_features() -> None:
    space = _space()
    rng = random.Random(11)
    vocab = list(space.vocabulary)
    clauses = [[rng.choice(vocab) for _ in range(rng.randint(0, 20))] for _ in range(40)]
    rows = [[rng.randrange(40) for _ in range(rng.randint(0, 4))] for _ in range(25)]
    joined = space.counts([[f for c in row for f in clauses[c]] for row in rows])
    summed = summed_counts(space.counts(clauses), rows)
    assert np.array_equal(joined.indptr, summed.indptr)
    assert np.array_equal(joined.indices, summed.indices)
    assert np.array_equal(joined.data, summed.data)


@pytest.mark.parametrize("path", SAMPLES[:4], ids=lambda p: p.name)
def test_prepared_rows_hold_the_extraction(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    extractions = extract_document(Document(id=f"id-{path.stem}", source=path.name, format="txt", text=text))
    passage_map = {ex.document.id: passages(ex.document) for ex in extractions}
    prepared = prepare(extractions, passage_map)
    assert [d.id for d in prepared.documents] == [ex.document.id for ex in extractions]
    assert prepared.count("figures") == sum(len(ex.figures) for ex in extractions)
    store = Store(":memory:")
    assert store.add_prepared(prepared)
    assert not store.add_prepared(prepared)  # already stored: nothing written twice
    for ex in extractions:
        d = ex.document.id
        rows = store.db.execute(
            'SELECT start, "end", text, kind, category, confidence, section FROM statements WHERE doc_id = ?'
            " ORDER BY start, \"end\"", [d]).fetchall()
        assert rows == sorted((s.span.start, s.span.end, s.text, s.kind, s.category, s.confidence, s.section)
                              for s in ex.statements)
        heads = store.db.execute("SELECT heading FROM sections WHERE doc_id = ? ORDER BY idx", [d]).fetchall()
        assert [h for (h,) in heads] == [s.heading for s in ex.document.sections]
        stamp, chars = store.db.execute("SELECT ingested_at, n_chars FROM documents WHERE id = ?", [d]).fetchone()
        assert stamp and chars == len(ex.document.text)
    # passages numbered in order, each indexed under its own id
    ids = [i for (i,) in store.db.execute("SELECT id FROM passages ORDER BY id")]
    assert ids == list(range(1, sum(len(v) for v in passage_map.values()) + 1))
    for pid, tokens in [(1, passage_map[extractions[0].document.id][0].tokens)]:
        word = tokens.split()[0]
        hits = store.db.execute("SELECT rowid FROM passages_fts WHERE passages_fts MATCH ?", [f'"{word}"']).fetchall()
        assert (pid,) in hits


def _tricky_texts(rng: random.Random) -> list[tuple[str, list[str] | None, list[str]]]:
    """Clauses with numbers, punctuation runs, "|" inside words, one-character and empty
    texts, with and without given words and contexts."""
    pieces = ["预算", "执行率", "偏低", "资金", "结转", "3.5", "117", "条", "，", "。", "|", "a|b", "；;", " ",
              "建议", "加强", "绩效", "管理", "２０２３", "x"]
    contexts = [[], ["sec=issue"], ["sec=issue", "doc=evaluation_report", "pos=lead"],
                ["sec=measure", "doc=work_report", "pos=body"], ["doc=other", "sec=a|b"]]
    out: list[tuple[str, list[str] | None, list[str]]] = [("", [], []), ("预", None, ["sec=none"]), ("|", ["|"], []),
                                                          ("预算\ud800执行", None, []), ("\U0001f600资金", None, [])]
    for _ in range(300):
        words = [rng.choice(pieces) for _ in range(rng.randint(0, 12))]
        given = None if rng.random() < 0.3 else words
        out.append(("".join(words), given, rng.choice(contexts)))
    return out


def test_text_counts_are_the_counts_of_the_feature_lists() -> None:
    rng = random.Random(3)
    texts = _tricky_texts(rng)
    spaces = []
    models = classify.load_models(Path(__file__).resolve().parents[1] / "models")
    spaces.append(models.space)
    # a space fitted on the tricky texts themselves, plus entries featurize never makes but a
    # vocabulary may hold: "|" in words and n-grams, n-grams of other lengths
    odd = ["c:a", "c:abcd", "b:a|b|c", "c:|预", "c:算|", "c:0|0", "c:率|偏", "c:|", "w:|", "sw:a|b|预算", "^预$", "w:$", "^^"]
    fitted = classify.FeatureSpace.fit([classify.featurize(*t) for t in texts] + [odd] * 2, min_df=1)
    spaces.append(fitted)
    for space in spaces:
        for batch in (texts, texts[:1], [], texts[3:40]):
            expected = space.counts([classify.featurize(*t) for t in batch])
            got = space.text_counts(batch)
            assert got.shape == expected.shape
            assert np.array_equal(got.indptr, expected.indptr)
            assert np.array_equal(got.indices, expected.indices)
            assert np.array_equal(got.data, expected.data)
            assert got.indices.dtype == expected.indices.dtype and got.data.dtype == expected.data.dtype


def test_cut_is_jieba_lcut() -> None:
    from reportmine import segmentation

    jieba = segmentation._jieba()
    rng = random.Random(13)
    # dictionary words, user-dictionary domain words, characters jieba leaves to its HMM,
    # Latin letters, numbers, the symbols jieba keeps inside a block, spaces and punctuation
    pieces = ["预算", "绩效", "评价", "一般公共预算", "专项资金", "执行率", "偏低", "的", "了", "赣", "犇", "淼", "乂",
              "abc", "PPP", "2023", "3.5", "95%", "+", "#", "&", "_", "-", ".", " ", "\t", "\r\n", "\n", "，", "。",
              "（", "）", "“", "”", "|", "　", "１２", "範圍", "\ud800", "\U0001f600"]
    texts = [t for t in _texts()] + [normalize(t).text for t in _texts()] + ["", " ", "的", "预算预算预算"]
    texts += ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 40))) for _ in range(500)]
    for text in texts:
        assert segmentation.cut(text) == jieba.lcut(text), text


def test_best_route_is_jiebas_route_ties_included() -> None:
    """With every frequency 1 and a total of 1 every route scores 0: only jieba's tie-break
    (the longest word) decides, and it must be the same."""
    import jieba

    from reportmine import segmentation

    rng = random.Random(17)
    for _ in range(50):
        words = {"".join(rng.choice("abcd") for _ in range(rng.randint(1, 4))) for _ in range(12)}
        tokenizer = jieba.Tokenizer()
        tokenizer.FREQ = {}
        for w in words:
            tokenizer.FREQ[w] = rng.choice([1, 1, 3])
            for k in range(1, len(w)):
                tokenizer.FREQ.setdefault(w[:k], 0)
        tokenizer.total = rng.choice([1, 1, 7])
        tokenizer.initialized = True
        for _ in range(20):
            block = "".join(rng.choice("abcde") for _ in range(rng.randint(1, 15)))
            route: dict[int, tuple[float, int]] = {}
            tokenizer.calc(block, tokenizer.get_DAG(block), route)
            assert segmentation._best_route(tokenizer, block) == [route[k][1] for k in range(len(block))]


def test_cached_hmm_cuts_follow_jiebas_force_split_words() -> None:
    from jieba import finalseg

    from reportmine import segmentation

    jieba = segmentation._jieba()
    text = "赣犇淼乂预算赣犇"  # runs no dictionary word covers: jieba's HMM cuts them
    assert segmentation.cut(text) == jieba.lcut(text)
    hmm_words = [w for w in jieba.lcut(text) if len(w) > 1 and w != "预算"]
    try:
        for w in hmm_words:
            finalseg.add_force_split(w)  # what jieba.del_word does to an HMM word
        assert segmentation.cut(text) == jieba.lcut(text)
    finally:
        finalseg.Force_Split_Words.difference_update(hmm_words)


def test_texts_folded_together_are_folded_one_by_one() -> None:
    rng = random.Random(23)
    pieces = ["预算", "3", ".", "5", "，", " ", "\n", "。", "12.", "(", ")", "\x00", "|", "x"]
    for _ in range(200):
        texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 8))) for _ in range(rng.randint(0, 6))]
        assert classify._folded_texts(texts) == [classify._folded_chars(t) for t in texts]


def test_fold_is_the_two_translations() -> None:
    from reportmine import normalize as norm

    def reference(text: str) -> str:
        folded = text.translate(norm._WIDTH_TABLE)
        return folded.translate(norm._t2s_table())

    rng = random.Random(29)
    pieces = ["预算", "項目", "資金", "，", "（", "）", "２０", "ＡＢ", "\u3000", "\xa0", " ", "\n", "。", "發", "乾", "干",
              "abc", "｜", "～", "！"]
    texts = _texts() + ["", "　", "項"] + ["".join(rng.choice(pieces) for _ in range(rng.randint(1, 30)))
                                         for _ in range(400)]
    for text in texts:
        assert norm._fold(text) == reference(text), text


def test_settled_clauses_are_judged_as_if_featurised() -> None:
    from reportmine.extractors import statements, structure
    from reportmine.extractors.units import split_units

    models = classify.get_models()
    settled_seen = 0
    for path in SAMPLES:
        text = path.read_text(encoding="utf-8")
        doc = Document(id=path.stem, source=path.name, format="txt", text=text)
        view = normalize(text)
        structure.annotate(doc, view)
        units = split_units(view, text)
        if not units.clauses:
            continue
        contexts = statements.sentence_contexts(doc, view, units)
        settled = statements._settled_none(units, contexts)
        settled_seen += len(settled)
        full = statements._clause_counts(doc, view.text, units, contexts, models, set())
        fast = statements._clause_counts(doc, view.text, units, contexts, models, settled)
        judged_full = statements.judge_clauses(units, contexts, view.text, full, models)
        judged_fast = statements.judge_clauses(units, contexts, view.text, fast, models)
        assert [(j.kind, j.confidence) for j in judged_fast] == [(j.kind, j.confidence) for j in judged_full]
        assert all(judged_full[c].kind == "none" for c in settled)
    assert settled_seen > 100  # the samples' achievement sections do hold such clauses
