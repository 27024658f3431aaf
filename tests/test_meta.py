"""Meta fields (region, year, issuer, date, proposal number, delegate) on small invented documents."""

from __future__ import annotations

import pytest

from reportmine.document import Document
from reportmine.extractors import structure
from reportmine.extractors.meta import find_region, parse_date
from reportmine.normalize import normalize


def annotated(text: str) -> Document:
    doc = Document(id="t", source="t.txt", format="txt", text=text)
    structure.annotate(doc, normalize(text))
    return doc


REPLY = """\
首页 > 政务公开 > 建议提案办理
桂湾区财政局关于区七届人大二次会议第DL052号建议的复函
来源：区财政局  发布时间：2024-07-02 16:20
【打印】【关闭】

天津市桂湾区财政局
关于区七届人大二次会议第DL052号建议的复函

孙立华代表：
您提出的《关于提高社区养老服务补贴使用效益的建议》收悉，现答复如下：
一、关于补贴发放进度
2023年我区发放补贴1260万元，较上年增长8.5%。
办理结果：B类
联系人：钱某某  联系电话：022-12345678

天津市桂湾区财政局
2024618
"""


def test_reply_meta():
    doc = annotated(REPLY)
    m = doc.meta
    assert doc.doc_type == "proposal_reply"
    assert doc.title == "桂湾区财政局关于区七届人大二次会议第DL052号建议的复函"
    assert (m.region, m.issuer) == ("天津市桂湾区", "天津市桂湾区财政局")
    assert (m.proposal_no, m.delegate) == ("DL052", "孙立华")
    # The signing date at the end (printed without separators) beats the page's 发布时间.
    assert m.date == "2024-06-18"
    assert m.year == 2024


PROPOSAL = """\
云岗市第九届人民代表大会第三次会议
代表建议　第0412号

案由：关于加强政府购买服务绩效管理的建议
提出人：欧阳明远（市人大代表，某会计师事务所合伙人）
附议人：李青、赵一帆

2022年，我市政府购买服务支出9.6亿元，较上年增长12.3%。但部分项目绩效目标缺失。
为此建议：
一是建立购买服务绩效目标审核制度。
二是对连续两年评价为差的承接主体取消其资格。
"""


def test_proposal_meta():
    doc = annotated(PROPOSAL)
    m = doc.meta
    assert doc.doc_type == "proposal"
    assert doc.title == "关于加强政府购买服务绩效管理的建议"
    assert (m.proposal_no, m.delegate, m.issuer) == ("0412", "欧阳明远", "欧阳明远")
    assert m.region == "云岗市"
    assert m.year == 2023  # made at the session after the year its facts describe
    assert m.date is None


def test_work_report_region_composes_a_complete_chain():
    text = (
        "现将我县2023年预算绩效管理工作报告如下：\n一、工作开展情况\n"
        "我县按照四川省财政厅部署，在全县推开绩效目标管理。川南市石门县财政局牵头组织培训，"
        "全县52个预算单位全部参加。石门县教育局等单位完成自评。\n二、存在问题\n部分单位重视不够。\n"
        "三、下一步工作\n2024年将扩大评价范围。\n"
    )
    m = annotated(text).meta
    assert m.region == "四川省川南市石门县"
    assert m.year == 2023
    assert m.issuer == "石门县财政局"


def test_province_and_county_without_the_prefecture_keeps_the_county_alone():
    text = "我县地处甘肃省南部。全县完成评价项目12个，我县财政局牵头，临河县财政局负责组织。临河县共有单位40个。"
    assert find_region(normalize(text).text, [""]) == "临河县"


def test_autonomous_region_speaking_of_itself_as_quanqu():
    text = "2024年内蒙古自治区政府工作报告\n各位代表：\n现在，我代表自治区人民政府向大会报告工作。全区经济平稳，全区财政收入增长。\n"
    doc = annotated(text)
    assert doc.meta.region == "内蒙古自治区"
    assert doc.meta.issuer == "内蒙古自治区人民政府"
    assert doc.doc_type == "work_report"


def test_issuer_from_sign_off_and_traditional_script():
    text = "雲峰縣衛生健康局2023年度公共衛生服務項目績效自評報告\n\n一、項目概況\n全縣完成建檔率92%。\n\n雲峰縣衛生健康局\n二〇二四年一月二十六日\n"
    doc = annotated(text)
    m = doc.meta
    assert doc.doc_type == "self_evaluation"
    assert m.issuer == "云峰县卫生健康局"  # meta is given in simplified characters
    assert m.region == "云峰县"
    assert (m.year, m.date) == (2023, "2024-01-26")


def test_rectification_year_is_the_evaluated_year():
    text = ("南坪区水务局关于河道保洁项目绩效评价整改情况的报告\n区财政局：\n"
            "区财政局2024年3月印发的《南坪区2023年度河道保洁项目绩效评价报告》指出3个问题。现将整改情况报告如下：\n"
            "一、关于台账不全的问题\n整改措施：建立电子台账。整改结果：已完成。\n\n南坪区水务局\n2024年9月2日\n")
    doc = annotated(text)
    assert doc.doc_type == "rectification_report"
    assert (doc.meta.year, doc.meta.date, doc.meta.issuer) == (2023, "2024-09-02", "南坪区水务局")


def test_speech_date_under_title_beats_page_date():
    text = ("2025年江川省政府工作报告\n2025-02-09\n\n2025年江川省政府工作报告\n"
            "——2025年1月20日在江川省第十四届人民代表大会第三次会议上\n时间：2025-02-09\n各位代表：\n全省经济稳定。")
    assert annotated(text).meta.date == "2025-01-20"


def test_budget_performance_work_report_without_signature_is_the_finance_bureaus():
    text = "为推进全面预算绩效管理，现将我区2022年绩效管理工作情况汇报如下: 一、主要成效 全区完成评价20项。上海市长宁区有关单位配合。"
    m = annotated(text).meta
    assert m.region == "上海市长宁区"
    assert m.issuer == "长宁区财政局"
    assert m.date is None


@pytest.mark.parametrize(
    ("raw", "iso"),
    [
        ("2023年5月25日", "2023-05-25"),
        ("2023-06-06 10:15", "2023-06-06"),
        ("2023525", "2023-05-25"),
        ("20231125", "2023-11-25"),
        ("二〇二三年十二月三十一日", "2023-12-31"),
        ("2023年13月1日", None),
        ("12345", None),
    ],
)
def test_parse_date(raw, iso):
    assert parse_date(raw) == iso


def test_ambiguous_bare_date_takes_the_latest_before_publication():
    assert parse_date("2023115", before="2023-11-20") == "2023-11-05"
    assert parse_date("2023115", before="2023-03-01") == "2023-01-15"


def test_document_numbers_are_not_proposal_numbers():
    text = "城东区财政局关于某事项的通知\n东财〔2023〕15号\n各单位：\n请按要求办理。\n"
    assert annotated(text).meta.proposal_no is None


def test_motion_with_co_signers_and_no_place_in_its_title():
    text = "关于制定区预算绩效管理条例的议案\n领衔代表：周晓光等12名代表\n案由：我区预算绩效管理缺乏地方性规定，2023年仍有项目未设目标。\n"
    doc = annotated(text)
    assert doc.doc_type == "proposal"
    assert (doc.meta.delegate, doc.meta.issuer) == ("周晓光", "周晓光")
    assert doc.meta.region is None  # 制定区 is no place


def test_reply_without_title_line_has_no_title():
    text = ("尊敬的刘海燕等3位代表：\n您们提出的《关于加快老旧小区加装电梯的建议》（第0231号）收悉。现答复如下：\n"
            "一、工作进展\n全区完成加装电梯86部。\n办理结果：A类\n\n江宁州住房和城乡建设局\n2023年8月1日\n（此件主动公开）\n")
    doc = annotated(text)
    assert doc.title == ""
    assert doc.doc_type == "proposal_reply"
    assert (doc.meta.delegate, doc.meta.proposal_no, doc.meta.date) == ("刘海燕", "0231", "2023-08-01")
    assert doc.meta.issuer == "江宁州住房和城乡建设局"


def test_region_from_a_recurring_name_when_no_organ_names_it():
    text = "全县各校完成自评。\n桃源县共有中小学42所，覆盖学生3.1万人。\n在桃源县，营养餐覆盖率达到100%。"
    assert find_region(normalize(text).text, [""]) == "桃源县"
    assert find_region("全县情况良好。", [""]) is None


def test_bare_number_field_on_a_proposal_form():
    text = "关于改进项目库管理的建议\n编号：A107\n提出人：赵敏（区人大代表）\n建议如下：一是清理项目库。\n"
    doc = annotated(text)
    assert (doc.doc_type, doc.meta.proposal_no, doc.meta.delegate) == ("proposal", "A107", "赵敏")
    assert annotated("某项目绩效自评报告\n编号：A107\n一、概况\n略。").meta.proposal_no is None


WEB_REPORT = """\
青湾县人民政府门户网站
首页 | 政务公开 | 互动交流
您现在的位置：首页 » 信息公开 » 绩效管理

青湾县财政局2023年预算绩效管理工作总结

发布时间：2024-02-29 10:12    来源：县财政局    浏览次数：412

2023年，我局围绕提升资金使用效益开展绩效管理，完成评价项目26个。

青湾县财政局
2024年2月19日

【打印本页】 【关闭窗口】
上一篇：青湾县2023年县级决算公开说明
下一篇：关于公布2024年度第一批采购意向的公告
主办单位：青湾县人民政府办公室    承办单位：青湾县信息中心
联系电话：0000-1234567    网站标识码：0000000001
某ICP备00000000号-1    某公网安备00000000000000号
"""


def test_signing_date_above_the_site_footer_beats_the_page_date():
    m = annotated(WEB_REPORT).meta
    assert m.date == "2024-02-19"
    assert m.issuer == "青湾县财政局"


def test_evaluation_agency_field_names_the_issuer():
    text = ("临川市2023年城区公交运营补贴项目绩效评价报告\n\n委托单位：临川市财政局\n"
            "评价机构：江北衡信绩效咨询有限公司\n报告日期：2024年4月8日\n\n一、项目概况\n全年补贴资金3,200万元。\n")
    m = annotated(text).meta
    assert m.issuer == "江北衡信绩效咨询有限公司"
    assert m.date == "2024-04-08"


def test_filled_in_by_field_names_the_issuer():
    text = ("2023年度项目支出绩效自评表\n填报单位（盖章）：临川市城市管理局\n项目名称：城区道路保洁\n"
            "| 年度预算数 | 860万元 |\n| 执行率 | 97.2% |\n")
    assert annotated(text).meta.issuer == "临川市城市管理局"
