"""Classifier features, array storage (no pickle), deterministic training, the committed models."""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import numpy as np
import pytest

from reportmine.extractors import classify
from reportmine.training import Example, collect, fit, train

MODELS = Path(__file__).resolve().parents[1] / "models"

EXAMPLES = [
    Example("预算编制不够细化", "issue", "budget", "a"),
    Example("资金支付进度偏慢", "issue", "budget", "a"),
    Example("管理制度不健全", "issue", "policy", "b"),
    Example("专业人员不足", "issue", "management", "b"),
    Example("建议加快资金拨付进度", "recommendation", "budget", "c"),
    Example("建议修订项目管理办法", "recommendation", "policy", "c"),
    Example("建议加强绩效培训", "recommendation", "management", "d"),
    Example("下一步将压减低效资金", "measure", "budget", "d"),
    Example("下一步将完善考核制度", "measure", "policy", "e"),
    Example("下一步将组织业务培训", "measure", "management", "e"),
    Example("该问题已完成整改", "rectification", "management", "f"),
    Example("结转资金已全部支付完毕", "rectification", "budget", "f"),
    Example("全县共有学校14所", "none", None, "g"),
    Example("项目由县教育局组织实施", "none", None, "g"),
]


def test_features_fold_digits_and_carry_context() -> None:
    a = classify.featurize("形成建议117条", context=["sec=none"])
    b = classify.featurize("形成建议164条", context=["sec=none"])
    assert a == b
    assert "x:sec=none" in a
    assert "^形成" in a


def test_context_conjunctions_reach_the_kind_model_only() -> None:
    feats = classify.featurize("加强培训", ["加强", "培训"], ["sec=measure", "doc=work_report", "pos=lead"])
    assert "xx:sec=measure&doc=work_report" in feats and "sw:measure|加强" in feats
    assert not any(f.startswith(classify.CONJUNCTION_PREFIXES) for f in classify.featurize("加强培训", ["加强", "培训"]))
    models = fit([Example(e.text, e.kind, e.category, e.source, ("sec=issue", "doc=other")) for e in EXAMPLES])
    names = sorted(models.space.vocabulary, key=models.space.vocabulary.__getitem__)
    conj = [j for j, f in enumerate(names) if f.startswith(classify.CONJUNCTION_PREFIXES)]
    assert conj and not models.category.coef[:, conj].any()


def test_save_and_load_round_trip_without_pickle(tmp_path: Path) -> None:
    models = fit(EXAMPLES)
    classify.save_models(models, tmp_path)
    with np.load(tmp_path / "statements.npz", allow_pickle=False) as z:
        assert set(z.files) == {"idf", "kind_coef", "kind_intercept", "category_coef", "category_intercept"}
        assert all(z[k].dtype == np.float32 for k in z.files)
    loaded = classify.load_models(tmp_path)
    feats = [classify.featurize("建议加强专业人员培训")]
    x1, x2 = models.space.transform(feats), loaded.space.transform(feats)
    assert np.allclose(models.kind.proba(x1), loaded.kind.proba(x2), atol=1e-5)
    assert loaded.kind.classes == models.kind.classes


def test_training_is_deterministic(tmp_path: Path) -> None:
    corpora = tmp_path / "corpora"
    (corpora / "statements").mkdir(parents=True)
    lines = [json.dumps({"text": e.text, "kind": e.kind, "category": e.category}, ensure_ascii=False) for e in EXAMPLES]
    (corpora / "statements" / "tiny.jsonl").write_text("\n".join(lines * 3) + "\n", encoding="utf-8")
    train(corpora, tmp_path / "one", with_cv=False)
    train(corpora, tmp_path / "two", with_cv=False)
    for name in ("statements.npz", "statements.json"):
        assert (tmp_path / "one" / name).read_bytes() == (tmp_path / "two" / name).read_bytes()
    with zipfile.ZipFile(tmp_path / "one" / "statements.npz") as zf:
        assert all(info.filename.endswith(".npy") for info in zf.infolist())


def test_cross_validation_card(tmp_path: Path) -> None:
    corpora = tmp_path / "corpora"
    (corpora / "statements").mkdir(parents=True)
    rows = []
    for i in range(6):  # six "files" so grouped folds have something to hold out
        for e in EXAMPLES:
            rows.append(json.dumps({"text": e.text + "。" * i, "kind": e.kind, "category": e.category}, ensure_ascii=False))
        (corpora / "statements" / f"part{i}.jsonl").write_text("\n".join(rows[-len(EXAMPLES):]) + "\n", encoding="utf-8")
    cards = train(corpora, tmp_path / "m")
    card = json.loads((tmp_path / "m" / "statement_kind.card.json").read_text(encoding="utf-8"))
    assert card == cards["statement_kind"]
    cv = card["cross_validation"]
    assert 0.0 <= cv["macro_f1"] <= 1.0
    assert cv["macro_f1_gold_documents"] is None  # only hand-written lines, no gold documents
    matrix = cv["confusion_matrix"]["rows_gold_cols_pred"]
    assert sum(map(sum, matrix)) == card["data"]["examples"]
    assert card["date"]


def test_jsonl_line_may_say_where_it_stands(tmp_path: Path) -> None:
    folder = tmp_path / "statements"
    folder.mkdir()
    rows = [
        {"text": "加强绩效业务培训", "kind": "recommendation", "category": "management",
         "section": "recommendation", "doc_type": "proposal", "position": "lead"},
        {"text": "组织开展绩效业务培训", "kind": "measure", "category": "management"},
    ]
    (folder / "a.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows), encoding="utf-8")
    by_text = {e.text: e for e in collect(tmp_path)}
    # the same tokens the extractor gives a clause at that place (statements.context_tokens)
    assert by_text["加强绩效业务培训"].context == ("sec=recommendation", "doc=proposal", "pos=lead")
    assert by_text["组织开展绩效业务培训"].context == ()


@pytest.mark.skipif(not (MODELS / "statements.npz").exists(), reason="models/ not trained")
def test_committed_models_and_cards() -> None:
    models = classify.load_models(MODELS)
    assert set(models.kind.classes) == set(classify.KIND_LABELS)
    assert set(models.category.classes) == set(classify.CATEGORY_LABELS)
    for name in ("statement_kind", "statement_category"):
        card = json.loads((MODELS / f"{name}.card.json").read_text(encoding="utf-8"))
        assert card["data"]["examples"] > 500
        assert card["cross_validation"]["macro_f1"] > 0.5
        assert card["cross_validation"]["macro_f1_gold_documents"] > 0.5
        assert card["cross_validation"]["confusion_matrix"]["labels"]


@pytest.mark.skipif(not (MODELS / "statements.npz").exists(), reason="models/ not trained")
def test_committed_models_read_plain_cues() -> None:
    scores = classify.score(["部分项目预算执行率偏低，资金结转较多", "建议尽快修订专项资金管理办法"])
    assert scores is not None
    assert max(scores[0].kind, key=scores[0].kind.get) == "issue"
    assert max(scores[0].category, key=scores[0].category.get) == "budget"
    assert max(scores[1].category, key=scores[1].category.get) == "policy"
