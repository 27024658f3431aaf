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


def test_a_remainder_adds_up_to_the_batch() -> None:
    # no total stated: the done part and the remainder make it
    (c,) = _claims("截至年底，已整改问题 64 个，其余 9 个问题列入 2025 年整改计划。")
    assert (c.recommendation_count, c.status) == (73, "in_progress")
    assert c.text.startswith("已整改问题 64 个") and c.text.endswith("整改计划")


def test_a_done_count_with_a_completion_rate_speaks_of_the_batch() -> None:
    (c,) = _claims("评价共发现问题35个，已督促相关单位整改完毕31个，整改完成率88.6%。")
    assert (c.recommendation_count, c.status) == (35, "in_progress")
    assert c.text.startswith("评价共发现问题35个")
    (c,) = _claims("评价共发现问题20个，已全部整改完毕20个，整改完成率100%。")
    assert (c.recommendation_count, c.status) == (20, "rectified")


def test_every_part_with_its_own_status_is_its_own_claim() -> None:
    found = _claims("截至6月底，9条建议中已落实6条，正在落实3条，整改完成率66.7%。")
    assert [(c.recommendation_count, c.status) for c in found] == [(6, "rectified"), (3, "in_progress")]
    assert found[0].text == "9条建议中已落实6条"
    found = _claims("共涉及整改事项4项，已完成整改2项，基本完成1项，正在整改1项。")
    assert [(c.recommendation_count, c.status) for c in found] == [(2, "rectified"), (1, "in_progress"),
                                                                  (1, "in_progress")]


def test_complying_with_a_notice_is_no_request() -> None:
    text = ("共指出问题4个，提出建议6条。按照县政府督查室督办通知（云政督〔2024〕8号）要求，"
            "我局制定整改方案，明确责任人和完成时限。")
    assert _claims(text) == []


def test_a_proposed_rule_is_no_request() -> None:
    text = "3.建立绩效评价整改报告制度，要求被评价单位在收到报告后30日内报送整改情况；逾期未整改的核减预算。"
    assert _claims(text) == []
