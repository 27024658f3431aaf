"""Rectification claims and advice tallies. Texts are invented for the tests."""

from __future__ import annotations

from reportmine.document import Document
from reportmine.extractors import claims
from reportmine.normalize import normalize


def _claims(text: str) -> list:
    doc = Document(id="t", source="t.txt", format="txt", text=text)
    return claims.find_claims(doc, normalize(text), [])


def _tallies(text: str) -> list:
    doc = Document(id="t", source="t.txt", format="txt", text=text)
    return claims.find_tallies(doc, normalize(text))


def test_count_and_rectified_status() -> None:
    text = "全年开展重点评价18个，形成意见和建议52条，现已全部落实整改。"
    (c,) = _claims(text)
    assert (c.recommendation_count, c.status) == (52, "rectified")
    assert c.text == "形成意见和建议52条，现已全部落实整改"
    assert text[c.span.start : c.span.end] == c.text


def test_itemised_statuses_make_two_claims() -> None:
    found = _claims("截至9月底，12条建议中已完成整改9条，列入计划3条。")
    assert [(c.recommendation_count, c.status) for c in found] == [(9, "rectified"), (3, "in_progress")]


def test_partly_open_total_is_in_progress() -> None:
    (c,) = _claims("其中已完成整改的问题40个，占问题总数46个的87%，其余6个正在整改。")
    assert (c.recommendation_count, c.status) == (46, "in_progress")


def test_required_when_only_asked_for() -> None:
    (c,) = _claims("本次评价共发现问题5类，提出建议6条。请县卫健委于2024年6月30日前完成整改，并报送整改情况。")
    assert (c.recommendation_count, c.status) == (6, "required")
    assert c.text.startswith("提出建议6条")


def test_rate_of_100_percent_is_rectified() -> None:
    (c,) = _claims("形成管理建议88条，应用率和整改率达100%。")
    assert (c.recommendation_count, c.status) == (88, "rectified")


def test_single_problem_or_a_reply_is_no_aggregate_claim() -> None:
    assert _claims("该问题已完成整改。") == []
    assert _claims("您的建议已全部采纳。") == []
    assert _claims("建议对存在质量问题的3个标段限期整改。") == []
    assert _claims("评价结果已应用于预算编制。") == []


def test_traditional_and_full_width_text() -> None:
    (c,) = _claims("形成意見和建議２１條，現已全部落實整改。")
    assert (c.recommendation_count, c.status) == (21, "rectified")


def test_tally_with_category_breakdown() -> None:
    (t,) = _tallies("共提出问题31个、建议40条，其中预算资金管理类12条、政策制度完善类8条、业务管理改进类20条。")
    assert (t.issues, t.recommendations) == (31, 40)
    assert t.by_category == {"budget": 12, "policy": 8, "management": 20}
    assert t.parts_add_up is True


def test_tally_that_does_not_add_up() -> None:
    (t,) = _tallies("形成建议30条，包括预算优化10项、政策修订5项、业务管理改进12项。")
    assert t.parts_add_up is False


def test_bare_counts_have_no_breakdown() -> None:
    (t,) = _tallies("本次试点共计提出57个问题，63条建议。")
    assert (t.issues, t.recommendations, t.by_category, t.parts_add_up) == (57, 63, {}, None)


def test_a_document_title_is_no_request() -> None:
    assert _claims("印发了《关于反馈评价结果并按要求进行整改的通知》。") == []


def test_a_record_without_a_number_needs_a_plural() -> None:
    (c,) = _claims("审计提出的管理建议均已落实整改。")
    assert (c.recommendation_count, c.status) == (None, "rectified")


def test_batch_with_a_rate_and_a_remainder_is_one_claim() -> None:
    (c,) = _claims("针对上年重点评价提出的88条建议，各部门已整改80条，整改率90.9%，其余8条正在整改。")
    assert (c.recommendation_count, c.status) == (88, "in_progress")
    assert c.text.startswith("针对上年重点评价提出的88条建议")


def test_part_of_a_batch_done_is_in_progress() -> None:
    (c,) = _claims("第0107号建议提出的6条建议，已落实5条。")
    assert (c.recommendation_count, c.status) == (6, "in_progress")
