"""Generate the templated part of the proposal-answering corpus (corpora/answering/docs/gen_*.txt).

The hand-written documents in that folder answer the test proposals; these generated ones are
mostly distractors: the same theme in another region, another theme in the same region, other
years and genres. A (region, theme) pair that a test proposal asks about is never generated, so a
generated document never answers a judged ask (judgments.gold.json lists no gen_* passage).

Deterministic (fixed seed): re-running rewrites the same files byte for byte.

    .venv/bin/python scripts/make_answer_corpus.py [--out corpora/answering/docs]
"""

from __future__ import annotations

import argparse
import random
from dataclasses import dataclass
from pathlib import Path

SEED = 20250601
PER_THEME = 4

# code: (name as titles write it, short name, level word for 全X/我X)
REGIONS: dict[str, tuple[str, str, str]] = {
    "qinglan": ("重庆市青岚区", "青岚区", "区"),
    "luming": ("鹿鸣市", "鹿鸣市", "市"),
    "weitang": ("苇塘县", "苇塘县", "县"),
    "jichuan": ("重庆市霁川区", "霁川区", "区"),
    "baishawan": ("南屿市白沙湾区", "白沙湾区", "区"),
    "taifeng": ("泰丰市", "泰丰市", "市"),
    "qianchuan": ("黔川县", "黔川县", "县"),
    "wanbei": ("宛北市", "宛北市", "市"),
    "qinshui": ("溱水县", "溱水县", "县"),
    "wugang": ("梧岗市", "梧岗市", "市"),
    "tangxi": ("梧岗市棠溪区", "棠溪区", "区"),
    "yanpu": ("雁浦县", "雁浦县", "县"),
}

# (region, theme) pairs a test proposal asks about, and pairs too close to one (a city and its
# district on the same theme): never generated.
EXCLUDED = {
    ("qinglan", "idle_funds"), ("qinglan", "elderly"), ("luming", "self_eval"), ("luming", "enterprise_subsidy"),
    ("weitang", "agri_subsidy"), ("weitang", "water"), ("jichuan", "disclosure"), ("jichuan", "education"),
    ("baishawan", "third_party"), ("baishawan", "environment"), ("taifeng", "it_systems"), ("taifeng", "targets"),
    ("qianchuan", "roads"), ("qianchuan", "employment"), ("wanbei", "employment"), ("wanbei", "health"),
    ("qinshui", "roads"), ("qinshui", "culture"), ("wugang", "cost"), ("wugang", "third_party"),
    ("tangxi", "education"), ("tangxi", "idle_funds"), ("yanpu", "environment"), ("yanpu", "elderly"),
    ("wugang", "idle_funds"), ("wugang", "education"), ("tangxi", "cost"), ("tangxi", "third_party"),
    ("taifeng", "cost"),  # a city-wide expense-standard notice would blur the IT-operations standard ask
}


@dataclass(frozen=True)
class Theme:
    """Phrases of one theme. Sector themes are written up by a spending unit (self-evaluation,
    evaluation summary); management themes by the finance bureau (notice, circular)."""

    key: str
    project: str
    unit: str  # the spending unit, or 财政局 for management themes
    outputs: tuple[tuple[str, str, int, int], ...]  # indicator, unit, low, high
    problems: tuple[str, ...]
    measures: tuple[str, ...]
    purpose: str = ""  # what the money is for, or why the bureau writes
    sector: bool = True


THEMES: tuple[Theme, ...] = (
    Theme("education", "义务教育学校公用经费", "教育局",
          (("保障义务教育学校", "所", 40, 180), ("惠及在校学生", "人", 20000, 90000), ("完成校舍维修项目", "个", 12, 60)),
          ("部分学校公用经费预算编制粗放，年底集中支出现象仍然存在",
           "小规模学校公用经费保障水平偏低，运转较为困难",
           "学校财务人员多为兼职，经费核算不够规范",
           "部分教学设备购置后使用率不高，存在重购置、轻应用的情况"),
          ("规范学校公用经费支出范围，按季度检查经费使用情况",
           "对小规模学校按不低于100人核定公用经费",
           "组织学校财务人员开展业务培训，提高核算质量",
           "建立教学设备使用情况登记制度"),
          purpose="资金用于保障义务教育学校教学活动、设施维护和日常运转，按生均标准核定拨付到校"),
    Theme("health", "基本公共卫生服务补助资金", "卫生健康局",
          (("建立居民电子健康档案", "份", 50000, 300000), ("管理65岁以上老年人", "人", 8000, 40000),
           ("规范管理高血压患者", "人", 5000, 30000)),
          ("部分基层医疗机构公共卫生人员不足，服务质量不高",
           "健康档案更新不及时，存在“死档”现象",
           "慢病随访记录不完整，部分随访未真实开展",
           "考核结果运用不充分，资金分配与服务质量关联不够"),
          ("加强基层公共卫生人员培训，提高服务能力",
           "开展健康档案清理，提高档案使用率",
           "对随访记录开展电话抽查，核实服务真实性",
           "完善绩效考核指标，加大考核结果在资金分配中的权重"),
          purpose="资金用于为辖区常住居民免费提供健康档案管理、健康教育、预防接种和慢性病患者健康管理等服务"),
    Theme("elderly", "居家和社区养老服务补助资金", "民政局",
          (("建成社区养老服务站", "个", 20, 90), ("提供上门服务", "人次", 10000, 80000), ("发放高龄津贴", "人", 3000, 20000)),
          ("部分养老服务站运营困难，服务项目单一",
           "上门服务记录不规范，服务真实性难以核实",
           "养老护理人员流动性大，专业化水平不高",
           "农村地区养老服务设施覆盖不足"),
          ("引导养老服务站拓展康复护理等服务项目",
           "推行上门服务电子工单，实行服务过程留痕",
           "开展养老护理员技能培训",
           "加快农村养老服务设施布局"),
          purpose="资金用于社区养老服务站运营补贴、困难老年人上门服务补贴和高龄津贴发放"),
    Theme("it_systems", "电子政务网络和信息系统运维经费", "政务服务和数据管理局",
          (("保障运行信息系统", "个", 30, 160), ("处置系统故障", "次", 200, 1500), ("完成等级保护测评", "个", 5, 40)),
          ("部分系统运维合同服务内容笼统，考核条款缺失",
           "系统安全防护能力不足，存在安全隐患",
           "部分老旧系统技术架构落后，运维成本较高",
           "运维数据统计口径不一，难以评价运维质量"),
          ("在运维合同中明确服务内容和考核要求",
           "开展网络安全攻防演练，及时修补系统漏洞",
           "有序推进老旧系统迁移上云",
           "建立运维工作量统计台账"),
          purpose="资金用于政务外网、电子政务云平台和各部门业务信息系统的日常运行维护及网络安全保障"),
    Theme("roads", "农村公路建设养护资金", "交通运输局",
          (("完成农村公路新改建", "公里", 40, 220), ("日常养护里程", "公里", 600, 3000), ("改造危桥", "座", 3, 20)),
          ("部分项目前期工作不扎实，开工时间推迟",
           "养护资金投入不足，部分路段路况下降",
           "部分工程质量存在缺陷，交工验收把关不严",
           "安全生命防护工程建设进度滞后"),
          ("加强项目前期工作，做实项目储备",
           "加强工程质量检测，严格交工验收",
           "加快安全生命防护工程建设",
           "强化养护巡查，及时处置路面病害"),
          purpose="资金用于县乡道改造、通组路硬化、危桥改造和农村公路日常养护"),
    Theme("environment", "城乡环境综合整治专项资金", "生态环境局",
          (("整治河道", "公里", 10, 80), ("完成村庄环境整治", "个", 20, 120), ("清运处置垃圾", "吨", 20000, 150000)),
          ("部分整治项目重建设、轻管护，整治成效出现反弹",
           "部分乡镇资金使用进度偏慢",
           "环境监测数据与整治项目关联分析不够",
           "群众参与度不高，长效保洁机制尚未建立"),
          ("建立整治项目后续管护责任清单",
           "对资金使用进度慢的乡镇开展督导",
           "加强监测数据分析，评估整治成效",
           "推行村庄保洁“门前三包”制度"),
          purpose="资金用于河道清淤整治、村庄环境综合整治和城乡垃圾清运处置"),
    Theme("employment", "就业补助资金", "人力资源和社会保障局",
          (("开展补贴性职业技能培训", "人次", 3000, 30000), ("开发公益性岗位", "个", 200, 2000),
           ("发放创业担保贷款", "万元", 2000, 20000)),
          ("部分公益性岗位人员在岗履职情况不佳，管理较为松散",
           "创业担保贷款贴息审核周期长",
           "就业困难人员认定标准执行不统一",
           "部分补贴资金下达偏晚，集中在年底拨付"),
          ("加强公益性岗位日常考勤管理",
           "优化创业担保贷款审核流程",
           "统一就业困难人员认定标准",
           "加快补贴资金拨付进度"),
          purpose="资金用于职业技能培训补贴、公益性岗位补贴、创业担保贷款贴息和就业见习补贴"),
    Theme("culture", "公共文化服务体系建设补助资金", "文化和旅游局",
          (("开展文化惠民演出", "场", 100, 600), ("补充公共图书馆藏书", "册", 10000, 60000), ("举办群众文化活动", "场", 50, 400)),
          ("部分文化活动内容单一，群众参与热情不高",
           "基层文化设施管理人员不足，开放时间不稳定",
           "数字文化资源推广不够，使用率偏低",
           "部分活动经费支出凭证不完整"),
          ("丰富文化活动内容，增加群众喜闻乐见的节目",
           "落实基层文化设施管理人员，保障开放时间",
           "加大数字文化资源推广力度",
           "规范活动经费报销程序"),
          purpose="资金用于文化惠民演出、公共图书馆文化馆免费开放和群众文化活动"),
    Theme("water", "小型水利工程维修养护资金", "水利局",
          (("维修养护小型水库", "座", 5, 40), ("清淤疏浚沟渠", "公里", 20, 200), ("维修泵站", "座", 5, 30)),
          ("部分小型水利工程管护主体不明确，管护责任落实不到位",
           "维修养护项目实施进度偏慢",
           "部分工程维修后缺少验收资料",
           "维修养护资金测算依据不足"),
          ("明确小型水利工程管护主体和责任人",
           "加快维修养护项目实施进度",
           "规范工程验收程序，完善验收资料",
           "按工程类型和规模测算维修养护资金"),
          purpose="资金用于小型水库、山塘、泵站和灌溉沟渠的日常维修养护"),
    Theme("agri_subsidy", "农业生产发展资金", "农业农村局",
          (("补贴农机具", "台", 500, 4000), ("推广绿色高产技术", "亩", 20000, 150000), ("培育新型农业经营主体", "家", 20, 200)),
          ("部分补贴资金发放进度偏慢",
           "补贴对象信息审核依赖人工，效率不高",
           "部分项目绩效目标设置偏低",
           "技术推广项目效果跟踪不足"),
          ("加快补贴资金发放进度",
           "推进补贴信息化审核",
           "合理设置项目绩效目标",
           "加强技术推广效果跟踪"),
          purpose="资金用于农机购置补贴、绿色高产高效技术推广和新型农业经营主体培育"),
    Theme("enterprise_subsidy", "中小企业发展专项资金", "工业和信息化局",
          (("支持中小企业技术改造项目", "个", 20, 150), ("认定专精特新企业", "家", 10, 80), ("带动企业新增投资", "亿元", 2, 30)),
          ("部分扶持项目申报材料复杂，企业负担较重",
           "扶持资金拨付后跟踪管理不足",
           "扶持资金分配较为分散，单个项目支持力度小",
           "部分企业未按期完成项目建设"),
          ("精简项目申报材料",
           "加强扶持项目事后跟踪",
           "集中资金支持重点项目",
           "督促企业按期完成项目建设"),
          purpose="资金用于支持中小企业技术改造、专精特新企业培育和公共服务平台建设"),
    Theme("idle_funds", "财政存量资金清理", "财政局",
          (), ("部分项目前期准备不足，资金下达后长期未形成支出",
               "部分单位结转结余资金台账登记不完整，底数不清",
               "个别单位以拨代支，资金在下级单位沉淀"),
          ("各部门对结转结余资金逐项建立台账，按时报送财政局",
           "结转两年以上的资金按规定收回本级财政统筹使用",
           "对预算执行明显滞后的项目，财政部门将视情况调减预算",
           "清理出的资金优先用于保障基本民生和重点项目"), purpose="为提高财政资金使用效益，防止资金沉淀闲置，需对各部门结转结余资金进行全面清理", sector=False),
    Theme("third_party", "预算绩效管理第三方服务", "财政局",
          (), ("部分第三方机构人员专业背景与评价项目不匹配",
               "个别评价报告数据核实不充分，结论依据不足",
               "部分部门对第三方机构工作过程监督不够"),
          ("委托第三方开展绩效评价应通过政府采购方式确定机构",
           "第三方机构应按照评价工作方案开展现场核查，并保留工作底稿",
           "财政局将对第三方出具的评价报告开展质量抽查",
           "评价报告质量问题突出的机构，将暂停委托"), purpose="为规范第三方机构参与预算绩效管理工作，保证评价工作质量，需加强对委托服务全过程的管理", sector=False),
    Theme("self_eval", "项目支出绩效自评", "财政局",
          (), ("部分部门自评报告问题分析避重就轻，原因多讲客观",
               "部分自评指标缺少佐证材料",
               "自评得分普遍偏高，与实际绩效存在差距"),
          ("各部门应对上年度全部项目支出开展绩效自评，并如实填报绩效自评表",
           "自评指标须附佐证材料，无佐证的指标不得分",
           "财政局将按一定比例对部门自评结果开展抽查复核",
           "自评结果将作为下年度预算安排的参考"), purpose="为全面反映项目支出绩效情况，压实部门绩效管理主体责任，需认真组织开展绩效自评", sector=False),
    Theme("targets", "预算绩效目标管理", "财政局",
          (), ("部分项目绩效指标以数量指标为主，效益指标设置不足",
               "部分指标值设置偏低，缺少测算依据",
               "绩效目标与预算资金规模匹配度不高"),
          ("各部门编报项目预算时应同步编报绩效目标",
           "绩效指标应细化量化，可衡量、可考核",
           "财政局将对绩效目标进行审核，审核意见反馈部门修改完善",
           "重大项目应同时编报中期绩效目标"), purpose="为提高预算编制质量，发挥绩效目标对预算安排的约束作用，需规范绩效目标编报和审核", sector=False),
    Theme("cost", "项目支出标准建设", "财政局",
          (), ("多数行业专用项目尚无支出标准，预算测算依据不足",
               "部分项目单价多年未调整，与市场价格脱节",
               "部门成本核算基础薄弱"),
          ("各部门应梳理本部门常年性项目的成本构成",
           "财政局将结合预算评审结果逐步建立项目支出标准",
           "项目预算应列明测算依据和单价",
           "支出标准执行情况纳入预算评审重点内容"), purpose="为强化预算编制的成本约束，推动预算安排由经验判断向标准测算转变，需加快支出标准建设", sector=False),
    Theme("disclosure", "预算绩效信息公开", "财政局",
          (), ("部分部门公开的绩效信息不完整",
               "部分部门公开时间滞后",
               "公开信息分散，查阅不便"),
          ("各部门应随部门预算公开重点项目绩效目标",
           "各部门应随部门决算公开上年度绩效自评结果",
           "财政局将在门户网站公开财政重点评价结果",
           "公开信息应使用可检索的文本格式"), purpose="为提高财政资金使用透明度，主动接受人大和社会监督，需做好预算绩效信息公开工作", sector=False),
)

_ORD = "一二三四五六七八九十"


def _money(rng: random.Random, low: float, high: float) -> float:
    return round(rng.uniform(low, high), 2)


def _grade(score: float) -> str:
    return "优" if score >= 90 else "良" if score >= 80 else "中" if score >= 60 else "差"


def _points(items: list[str]) -> str:
    return "".join(f"{_ORD[i]}是{s}；" for i, s in enumerate(items))[:-1] + "。"


def _finance_body(rng: random.Random, theme: Theme, short: str, level: str, year: int) -> tuple[str, str]:
    """A finance-bureau notice or monitoring circular on a management theme."""
    if rng.random() < 0.5:
        title = f"{short}财政局关于做好{year}年度{theme.project}工作的通知"
        body = (f"{level}级各部门：\n\n{theme.purpose}。从上年工作情况看，{_points(rng.sample(theme.problems, 2))}"
                f"经研究，现就{year}年度{theme.project}有关事项通知如下：\n\n"
                + "\n\n".join(f"{_ORD[i]}、{r}。" for i, r in enumerate(rng.sample(theme.measures, 3)))
                + f"\n\n请各部门高度重视，明确专人负责，于{rng.randint(3, 10)}月底前将工作开展情况报送{level}财政局。"
                f"{level}财政局将适时对各部门落实情况进行检查，检查结果在{level}级各部门范围内通报。")
        return title, body
    title = f"{short}财政局关于{year}年度{theme.project}工作情况的通报"
    n_dept, checked = rng.randint(30, 80), rng.randint(40, 260)
    body = (f"{level}级各部门：\n\n{theme.purpose}。{year}年，{level}财政局对{n_dept}个部门的{theme.project}工作进行了检查，"
            f"共抽查事项{checked}项，现将有关情况通报如下：\n\n一、总体情况。多数部门能够按要求开展工作，"
            f"但仍有{rng.randint(5, 20)}个部门存在不同程度的问题。\n\n"
            f"二、存在的问题。{_points(rng.sample(theme.problems, 3))}\n\n"
            f"三、有关要求。{_points(rng.sample(theme.measures, 3))}")
    return title, body


def _sector_body(rng: random.Random, theme: Theme, short: str, year: int) -> tuple[str, str]:
    """A spending unit's self-evaluation or an evaluation summary on a sector theme."""
    budget = _money(rng, 300, 6000)
    spent = round(budget * rng.uniform(0.78, 0.995), 2)
    rate = spent / budget * 100
    outputs = "；".join(f"{name}{rng.randint(lo, hi):,}{unit}" for name, unit, lo, hi in rng.sample(theme.outputs, 2))
    overview = (f"一、项目概况\n\n{theme.purpose}。{year}年{theme.project}预算数{budget:,.2f}万元，"
                f"执行数{spent:,.2f}万元，执行率{rate:.2f}%。\n\n")
    if rng.random() < 0.55:
        score = rng.randint(86, 98)
        title = f"{short}{theme.unit}{year}年度{theme.project}绩效自评报告"
        body = (overview + f"二、绩效目标完成情况\n\n全年{outputs}，年度绩效目标基本完成。\n\n"
                f"三、存在的问题\n\n{_points(rng.sample(theme.problems, 2))}\n\n"
                f"四、下一步措施\n\n{_points(rng.sample(theme.measures, 2))}\n\n"
                f"五、自评结论\n\n本项目自评得分{score}分，等级为“{_grade(score)}”。")
        return title, body
    score = round(rng.uniform(66, 89), 1)
    title = f"{short}{year}年度{theme.project}绩效评价报告（摘要）"
    body = (overview + f"二、评价结论\n\n经评价，项目综合得分{score}分，绩效等级为“{_grade(score)}”。全年{outputs}。\n\n"
            f"三、主要问题\n\n{_points(rng.sample(theme.problems, 3))}\n\n"
            f"四、评价建议\n\n建议项目单位{_points(rng.sample(theme.measures, 2))}")
    return title, body


def generate(rng: random.Random) -> dict[str, str]:
    """File name -> text for every generated document."""
    docs: dict[str, str] = {}
    for theme in THEMES:
        regions = [r for r in REGIONS if (r, theme.key) not in EXCLUDED]
        for code in rng.sample(regions, PER_THEME + (1 if theme.sector and rng.random() < 0.3 else 0)):
            _, short, level = REGIONS[code]
            year = rng.randint(2019, 2025)
            maker = _sector_body if theme.sector else None
            title, body = (maker(rng, theme, short, year) if maker
                           else _finance_body(rng, theme, short, level, year))
            issuer = short + (theme.unit if theme.sector and "报告（摘要）" not in title else "财政局")
            month, day = rng.randint(1, 12), rng.randint(1, 28)
            issued = year + 1 if "自评" in title or "评价报告" in title else year
            text = f"{title}\n\n{body}\n\n{issuer}\n{issued}年{month}月{day}日\n"
            name = f"gen_{code}_{theme.key}_{year}.txt"
            n = 2
            while name in docs:
                name, n = f"gen_{code}_{theme.key}_{year}_{n}.txt", n + 1
            docs[name] = text
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--out", default=str(Path(__file__).resolve().parent.parent / "corpora/answering/docs"))
    out = Path(parser.parse_args().out)
    out.mkdir(parents=True, exist_ok=True)
    for old in out.glob("gen_*.txt"):
        old.unlink()
    docs = generate(random.Random(SEED))
    for name, text in sorted(docs.items()):
        if not 300 <= len(text) <= 1200:
            raise SystemExit(f"{name}: {len(text)} characters, outside 300-1200")
        (out / name).write_text(text, encoding="utf-8")
    print(f"wrote {len(docs)} documents to {out}")


if __name__ == "__main__":
    main()
