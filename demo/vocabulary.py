"""The one vocabulary of names and places the demo and the benchmark draw from: the district's
units and leaders, its towns, roads, communities, schools, hospitals, rivers and parks, the
sectors and employers of its members and deputies, and how a person's name, phone number and
address are made up. Everything is fictional; the places are common Chinese place names, not a
real district. The demo's texts (demo.content) are written around these names; bench.generate
builds its people, units and titles from them too, so the two never drift apart."""

# ---------------------------------------------------------------------------------------------
# Units (承办单位). code, full name, short name, kind, supervising district leader (key below).
# The first two are the demo accounts unit1 / unit2.
UNITS = [
    ("zjj", "区住房和城乡建设局", "区住建局", "bureau", "L1"),
    ("cgj", "区城市管理局", "区城管局", "bureau", "L1"),
    ("fgw", "区发展和改革委员会", "区发改委", "bureau", "L0"),
    ("jyj", "区教育局", "区教育局", "bureau", "L3"),
    ("kjj", "区科学技术局", "区科技局", "bureau", "L4"),
    ("gxj", "区工业和信息化局", "区工信局", "bureau", "L4"),
    ("gaj", "区公安分局", "区公安分局", "bureau", "L5"),
    ("mzj", "区民政局", "区民政局", "bureau", "L3"),
    ("sfj", "区司法局", "区司法局", "bureau", "L5"),
    ("czj", "区财政局", "区财政局", "bureau", "L0"),
    ("rsj", "区人力资源和社会保障局", "区人社局", "bureau", "L2"),
    ("zrj", "区自然资源和规划分局", "区规划分局", "bureau", "L1"),
    ("sthj", "区生态环境分局", "区生态环境分局", "bureau", "L4"),
    ("jtj", "区交通运输局", "区交通局", "bureau", "L1"),
    ("swj", "区水务局", "区水务局", "bureau", "L1"),
    ("nyj", "区农业农村局", "区农业农村局", "bureau", "L4"),
    ("swuj", "区商务局", "区商务局", "bureau", "L4"),
    ("wlj", "区文化和旅游局", "区文旅局", "bureau", "L3"),
    ("wjw", "区卫生健康委员会", "区卫健委", "bureau", "L3"),
    ("tyj", "区退役军人事务局", "区退役军人局", "bureau", "L5"),
    ("yjj", "区应急管理局", "区应急局", "bureau", "L2"),
    ("sjj", "区审计局", "区审计局", "bureau", "L0"),
    ("scj", "区市场监督管理局", "区市场监管局", "bureau", "L2"),
    ("tyuj", "区体育局", "区体育局", "bureau", "L3"),
    ("tjj", "区统计局", "区统计局", "bureau", "L0"),
    ("ybj", "区医疗保障局", "区医保局", "bureau", "L3"),
    ("zsj", "区政务服务和数据管理局", "区政数局", "bureau", "L2"),
    ("jgj", "区机关事务管理局", "区机关事务局", "bureau", "L2"),
    ("xfj", "区信访局", "区信访局", "bureau", "L5"),
    ("tcj", "区投资促进局", "区投促局", "bureau", "L0"),
    ("ylj", "区园林绿化局", "区园林局", "bureau", "L1"),
    ("gzw", "区国有资产监督管理委员会", "区国资委", "bureau", "L0"),
    ("mzzj", "区民族宗教事务局", "区民宗局", "bureau", "L5"),
    ("zgh", "区总工会", "区总工会", "other", "L2"),
    ("tw", "共青团区委", "团区委", "other", "L3"),
    ("fl", "区妇女联合会", "区妇联", "other", "L3"),
    ("cl", "区残疾人联合会", "区残联", "other", "L3"),
    ("kx", "区科学技术协会", "区科协", "other", "L4"),
    ("gd", "国网区供电公司", "区供电公司", "other", "L1"),
    ("sgs", "区自来水有限公司", "区自来水公司", "other", "L1"),
    ("ctjt", "区城市建设投资集团有限公司", "区城投集团", "other", "L0"),
    ("kfq", "区经济开发区管理委员会", "区开发区管委会", "other", "L4"),
    ("rmt", "区融媒体中心", "区融媒体中心", "other", "L2"),
    ("xf", "区消防救援大队", "区消防救援大队", "other", "L5"),
    ("sw", "国家税务总局区税务局", "区税务局", "other", "L0"),
    ("t_cg", "城关街道", "城关街道", "town", "L1"),
    ("t_dh", "东湖街道", "东湖街道", "town", "L2"),
    ("t_nh", "南湖街道", "南湖街道", "town", "L3"),
    ("t_wc", "文昌街道", "文昌街道", "town", "L3"),
    ("t_by", "北苑街道", "北苑街道", "town", "L5"),
    ("t_xh", "新华街道", "新华街道", "town", "L0"),
    ("t_bj", "滨江街道", "滨江街道", "town", "L1"),
    ("t_fh", "凤凰街道", "凤凰街道", "town", "L2"),
    ("t_qs", "青山镇", "青山镇", "town", "L4"),
    ("t_bs", "白沙镇", "白沙镇", "town", "L4"),
    ("t_ty", "桃源镇", "桃源镇", "town", "L5"),
    ("t_ml", "梅林镇", "梅林镇", "town", "L0"),
    ("t_lq", "龙泉镇", "龙泉镇", "town", "L2"),
    ("t_sq", "石桥镇", "石桥镇", "town", "L4"),
]
TOWNS_URBAN = ["城关街道", "东湖街道", "南湖街道", "文昌街道", "北苑街道", "新华街道", "滨江街道", "凤凰街道"]
TOWNS_RURAL = ["青山镇", "白沙镇", "桃源镇", "梅林镇", "龙泉镇", "石桥镇"]

# District leaders (区领导). L1 is the demo account leader1.
LEADERS = [
    ("L0", "刘振华", "区长"),
    ("L1", "周建国", "副区长"),
    ("L2", "孙立新", "常务副区长"),
    ("L3", "吴晓红", "副区长"),
    ("L4", "郑国平", "副区长"),
    ("L5", "赵刚", "副区长、区公安分局局长"),
]

ROADS = ["人民路", "解放路", "建设大道", "滨江路", "文昌路", "东湖路", "青年路", "新华路", "工业大道", "凤凰大道", "朝阳路", "胜利街"]
COMMUNITIES = ["幸福里社区", "向阳社区", "枫林社区", "金桥社区", "桂花园社区", "红星社区", "丽景社区", "翠竹社区", "和平里社区", "锦绣社区"]
SCHOOLS = ["区实验小学", "区第一中学", "区第二中学", "文昌路小学", "东湖小学", "区第三中学", "滨江学校"]
HOSPITALS = ["区人民医院", "区中医院", "区妇幼保健院", "区第二人民医院"]
RIVERS = ["青龙河", "白沙河", "玉带河", "桃花溪"]
PARKS = ["东湖公园", "滨江公园", "文昌公园", "凤凰山公园", "人民公园"]

# ---------------------------------------------------------------------------------------------
# People

SURNAMES = ("王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦方白邹孟熊秦邱江尹薛段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤"
            "王李张刘陈杨黄赵吴周徐孙王李张刘陈杨")
GIVEN_M = "建国志明文海振立晓永德俊宏伟军华平强林涛斌峰磊勇杰东鹏辉刚荣成宇轩浩博彬亮新胜春光家天云瑞祥忠良宁卫兵庆远鸿正"
GIVEN_F = "秀丽静敏燕红霞芳娟婷玉兰琳萍雪慧洁颖倩佳欣晓梅莉雯怡丹艳婧璐蕾凤英琴华晶瑶薇"

CPPCC_SECTORS = [
    ("中国共产党", "中共党员"), ("民革", "民革党员"), ("民盟", "民盟盟员"), ("民建", "民建会员"), ("民进", "民进会员"),
    ("农工党", "农工党党员"), ("致公党", "致公党党员"), ("九三学社", "九三学社社员"), ("无党派人士", "无党派人士"),
    ("共青团", "中共党员"), ("工会", "中共党员"), ("妇联", "群众"), ("科学技术界", "群众"), ("经济界", "群众"),
    ("农业界", "中共党员"), ("教育界", "群众"), ("文化艺术界", "群众"), ("医药卫生界", "群众"), ("体育界", "群众"),
    ("社会科学界", "群众"), ("少数民族界", "群众"), ("宗教界", "群众"), ("社会福利和社会保障界", "群众"), ("特邀人士", "中共党员"),
]

SECTOR_EMPLOYERS = {
    "教育界": ["区第一中学副校长", "区实验小学教师", "区第二中学教研组长", "区职业技术学校副校长", "东湖小学校长", "区机关幼儿园园长"],
    "医药卫生界": ["区人民医院主任医师", "区中医院副院长", "区妇幼保健院主任", "城关街道社区卫生服务中心主任", "区疾病预防控制中心科长"],
    "科学技术界": ["区农业科学研究所研究员", "恒达智能装备有限公司总工程师", "区科技创新服务中心主任", "华芯电子科技有限公司研发总监"],
    "经济界": ["金泰实业集团有限公司董事长", "宏远建设工程有限公司总经理", "鑫源商贸有限公司总经理", "诚信会计师事务所所长", "区农商银行支行行长"],
    "农业界": ["青山镇龙泉村党总支书记", "白沙柑橘专业合作社理事长", "桃源镇农业服务中心主任", "绿源生态农业有限公司总经理"],
    "文化艺术界": ["区文化馆副馆长", "区融媒体中心记者", "区书法家协会主席", "区作家协会副主席"],
    "体育界": ["区体育运动学校校长", "区全民健身指导中心主任"],
    "社会科学界": ["区委党校教授", "区社科联副主席", "明德律师事务所主任"],
    "社会福利和社会保障界": ["区社会福利院院长", "阳光养老服务中心主任", "区慈善总会副会长"],
}
GENERIC_EMPLOYERS = ["明德律师事务所律师", "恒达智能装备有限公司副总经理", "区人民医院副主任医师", "区第三中学教师", "鑫源商贸有限公司总经理",
                     "东湖街道向阳社区党委书记", "区工商联副主席", "金桥物业服务有限公司总经理", "华芯电子科技有限公司董事长",
                     "区建筑设计院高级工程师", "正和会计师事务所所长", "区中医院主任医师", "天源食品有限公司总经理", "区住房公积金管理部主任",
                     "博远教育咨询有限公司总经理", "滨江学校副校长", "青山茶业有限公司董事长", "区妇幼保健院副院长"]
NPC_EMPLOYERS = ["{town}{community}党委书记", "{town}人大工委主任", "{town}某村党支部书记", "区人民医院护士长", "区第一中学教师",
                 "恒达智能装备有限公司车间主任", "鑫源商贸有限公司总经理", "{town}农业服务中心主任", "区供电公司班组长",
                 "金泰实业集团有限公司董事长", "明德律师事务所律师", "区公交公司驾驶员", "{town}社区卫生服务中心医生", "绿源生态农业有限公司总经理"]
NPC_PARTIES = ["中共党员"] * 6 + ["群众"] * 3 + ["民盟盟员", "九三学社社员", "无党派人士"]

# Collective proposers (党派、团体): username, name, sector, employer.
COLLECTIVES = [
    ("minmeng", "民盟区委", "民盟", "民盟区委"),
    ("jiusan", "九三学社区委", "九三学社", "九三学社区委"),
    ("minjian", "民建区委", "民建", "民建区委"),
]

VILLAGES = ["龙泉村", "新桥村", "杨柳村", "石门村", "青石村", "桃花村"]
# The assembly offices as people name them.
OFFICE_NAMES = {"cppcc": "区政协提案委", "npc": "区人大代表工委"}
NOUNS = {"cppcc": "提案", "npc": "建议"}  # what an item of each assembly is called
NUMERALS = "〇一二三四五六七八九十"


def delegation(town: str) -> str:
    """The deputies' delegation (代表团) of a town: their sector."""
    return f"{town}代表团"


def cn_ordinal(n: int) -> str:
    """1 -> 一, 12 -> 十二, 20 -> 二十: the ordinal of a term (第十届) or a session."""
    if n <= 10:
        return NUMERALS[n]
    if n < 20:
        return "十" + NUMERALS[n - 10]
    return NUMERALS[n // 10] + "十" + (NUMERALS[n % 10] if n % 10 else "")


def cn_date(d) -> str:
    return f"{d.year}年{d.month}月{d.day}日"


def self_word(unit_name: str) -> str:
    """How a unit refers to itself in a letter: 我局, 我委, 我街道 ..."""
    for suffix, word in (("委员会", "委"), ("局", "局"), ("街道", "街道"), ("镇", "镇"), ("公司", "公司"), ("大队", "大队"),
                         ("中心", "中心"), ("联合会", "会"), ("协会", "会"), ("工会", "会")):
        if unit_name.endswith(suffix):
            return word
    return "单位"


def person_name(rng, taken: set, female=None) -> str:
    """A name not in `taken` (which it joins), without a repeated character in the given name."""
    while True:
        female = rng.random() < 0.4 if female is None else female
        pool = GIVEN_F if female else GIVEN_M
        given = rng.choice(pool) + (rng.choice(pool) if rng.random() < 0.75 else "")
        name = rng.choice(SURNAMES) + given
        if name not in taken and len(set(given)) == len(given):
            taken.add(name)
            return name


def mobile(rng) -> str:
    return f"1{rng.choice('3589')}{rng.randint(0, 9)}{rng.randint(10000000, 99999999)}"


def office_phone(rng) -> str:
    return f"0731-8{rng.randint(1000000, 9999999)}"


def address(rng, town=None) -> str:
    """A home address in a town: a village group in a 镇, a flat in a 街道."""
    town = town or rng.choice(TOWNS_URBAN + TOWNS_RURAL)
    if town.endswith("镇"):
        return f"{town}{rng.choice(VILLAGES)}{rng.randint(1, 12)}组{rng.randint(1, 60)}号"
    return (f"{town}{rng.choice(ROADS)}{rng.randint(1, 300)}号{rng.choice(COMMUNITIES)[:-2]}小区"
            f"{rng.randint(1, 20)}栋{rng.randint(1, 6)}单元{rng.randint(1, 18)}0{rng.randint(1, 4)}室")


def places(rng, home=None) -> dict:
    """The places a topic's text names ({utown}, {rtown}, {road}, ...): the proposer's home town
    where it is one, the rest at random."""
    out = {
        "utown": home if home in TOWNS_URBAN else rng.choice(TOWNS_URBAN),
        "rtown": home if home in TOWNS_RURAL else rng.choice(TOWNS_RURAL),
        "road": rng.choice(ROADS), "community": rng.choice(COMMUNITIES), "school": rng.choice(SCHOOLS),
        "hospital": rng.choice(HOSPITALS), "river": rng.choice(RIVERS), "park": rng.choice(PARKS),
    }
    out["road2"] = rng.choice([x for x in ROADS if x != out["road"]])
    return out
