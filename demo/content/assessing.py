"""The words of the year-end assessment (考核) in the demo: the office's reasons for its own points,
the assembly offices' evaluations, the units' self-assessments, the adjustment, and the lead
units' grades of their co-handling units."""

# The office's own indicators (办公室评分), by indicator code: (points, reason), best first.
MANUAL = {
    "leadership": [("2", "主要领导专题研究部署建议提案办理工作，亲自牵头办理重点件，并多次听取办理情况汇报。"),
                   ("1.5", "分管领导牵头抓办理工作，主要领导听取了办理情况汇报。"),
                   ("1", "明确了分管领导和责任科室，但主要领导过问较少。")],
    "rules": [("2", "办理工作制度健全，交办、签收、答复、回访各环节责任到人，台账规范完整。"),
              ("1.5", "建立了办理工作制度和台账，个别环节登记不够及时。"),
              ("1", "办理制度基本建立，但责任分工不够明确，台账记录不完整。")],
    "inspection": [("2", "积极配合区府办检查指导，办理台账、答复函和沟通记录齐全规范。"),
                   ("1.5", "配合检查指导，提出的问题已按要求整改。"),
                   ("1", "检查中发现答复函留存不全，整改不够及时。")],
}

# The assembly offices' evaluation of a unit (提案委/代表工委评价), out of 5: (points, reason).
EVALUATIONS = [("5", "办理态度端正，与{who}沟通主动充分，答复质量高，办理成效明显。"),
               ("4.5", "能与{who}当面沟通，答复具体，承诺事项基本落实。"),
               ("4", "办理工作较为扎实，个别件答复偏原则，后续落实情况跟踪不够。"),
               ("3.5", "与{who}沟通不够主动，部分答复内容较为笼统，需进一步改进。")]
WHO = {"cppcc": "委员", "npc": "代表"}

# A unit's self-assessment (总结自评): the body, then one of the closing paragraphs.
SELF_OPENING = ("{year}年，我{self}共承办{noun}{total}件，其中主办{lead}件、分办{separate}件、会办{co}件，"
                "已全部按规定时限签收。")
SELF_BODY = [
    "我{self}将建议提案办理工作列入年度重点工作，主要负责同志专题研究部署，分管负责同志具体抓落实，"
    "做到办前当面沟通、办中及时反馈、办后跟踪回访。",
    "我{self}坚持“办理一件、解决一类”，把委员代表的意见建议转化为具体工作措施，"
    "对答复中承诺的事项建立台账，逐项销号。",
]
SELF_CLOSING = [
    "不足之处是个别件答复时间偏紧、办理进展报送不够及时，下一步将进一步规范流程、提高办理质量。",
    "下一步，我们将进一步加强与委员代表的沟通联系，持续提升答复质量和办理实效。",
    "存在的问题是部分建议受资金和规划条件限制落实较慢，我们将积极争取支持，分步推进。",
]

# The office's adjustment of one unit's total (加减分), with the reason the unit reads.
ADJUSTMENT = ("-1", "年内两次未按要求报送办理工作阶段性总结，经区府办书面督促后仍逾期报送，扣1分。")

# The edits the office makes to the copied scheme for the current year: (indicator code, points, note).
SCHEME_EDITS = [("contacts", "12", "今年起加大“三次沟通”的分值，推动办前、办中、办后沟通全覆盖。"),
                ("grade", "12", "委员满意度分值相应调整。")]

# The lead unit's grade of a co-handling unit (主办单位对会办单位的评价): grade code -> comments.
CO_GRADES = {
    "good": ["会办意见及时、具体，主动参与面商，配合积极。", "会办单位高度重视，提供了详实的数据和可行的措施。"],
    "fair": ["按时提交会办意见，配合较好。", "会办意见基本可行，个别事项需进一步细化。"],
    "average": ["会办意见提交较晚，内容较为原则。", "配合不够主动，经多次沟通后才提供相关材料。"],
}
CO_GRADE_WEIGHTS = [("good", 55), ("fair", 35), ("average", 10)]
