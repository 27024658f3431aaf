from reportmine.normalize import normalize


def test_fullwidth_and_layout_space_map_back() -> None:
    original = "全年核减１，２３４.５ 万元，占比３３．９６％"
    view = normalize(original)
    assert "1,234.5万元" in view.text
    assert "33.96%" in view.text
    start = view.text.index("1,234.5万元")
    o_start, o_end = view.to_original(start, start + len("1,234.5万元"))
    assert original[o_start:o_end] == "１，２３４.５ 万元"


def test_traditional_folded_to_simplified_one_to_one() -> None:
    original = "預算績效管理評價報告"
    view = normalize(original)
    assert view.text == "预算绩效管理评价报告"
    assert view.origin[:-1] == list(range(len(original)))


def test_hard_wrapped_lines_rejoined_and_page_doubling_removed() -> None:
    original = (
        "为加强财政资金管理，我局在全区范围内组织开展重点项目绩\n\n"
        "绩效评价工作，共评价项目十二个，涉及资金三亿元。\n\n"
        "二、存在问题\n\n"
        "部分单位对绩效管理工作重视程度不够，自评报告质量不高，问题分析不\n"
        "够深入，整改措施不具体。\n"
    )
    view = normalize(original)
    assert "重点项目绩效评价工作" in view.text
    assert "问题分析不够深入" in view.text
    assert "\n二、存在问题\n" in view.text.replace("\n\n", "\n")
    i = view.text.index("绩效评价工作")
    s, e = view.to_original(i, i + 6)
    assert original[s:e].replace("\n", "") == "绩效评价工作"


def test_paragraph_text_is_not_joined() -> None:
    original = "一、工作开展情况\n(一)强化组织领导,明确职责分工\n成立绩效管理工作领导小组。"
    assert normalize(original).text == original
