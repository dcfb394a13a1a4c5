"""Demo tasks, written here from the seeds' facts. Dates are relative to the day the demo is
loaded, so that its lights (red, yellow, blue, green) mean something on any day.

Each task: the units by code, the deadline as days from today (or working days), how long ago
it was assigned, and the path it has walked so far (see the demo command).
"""

FEDERATION_SOURCE = "年度工作总结会：会长总结讲话明确的七项重点任务"

FEDERATION_TASKS = [
    dict(key="k1", title="切实把学习贯彻党的二十大精神作为首要政治任务",
         body="推动全面、深入学习贯彻党的二十大精神，提振信心、凝聚共识；引导行业和企业会员按照"
              "“三化”要求谋划好行业和自身发展。",
         lead="djb", responsible=["xcb"], cooperating=["hyfwb"], deadline=40, assigned=300,
         path="progress", progress=[(30, "组织理论学习中心组专题学习4次，干部网络培训覆盖全员。"),
                                   (85, "完成系统内专题宣讲，编发学习简报。")], priority="high"),
    dict(key="k2", title="全力稳增长保全局，为“六稳”“六保”做出贡献",
         body="贯彻落实中央经济工作会议和三部委通知要求，加强形势预判、监测预警和经济会商，"
              "加强重点企业调研，及时提出政策建议。",
         lead="jjyxb", responsible=["hyfzb"], cooperating=["hyfwb"], deadline=25, assigned=300,
         path="progress", progress=[(20, "完成一季度行业经济运行分析。"),
                                   (40, "召开专家经济会商会，形成情况反映报送有关部门。")],
         priority="urgent"),
    dict(key="k2a", parent="k2", title="组织召开专家经济会商会（全年10次）",
         body="按季度及重要时点组织专家经济会商会，形成会商纪要和政策建议。",
         lead="jjyxb", responsible=[], cooperating=["hyfzb"], deadline=-20, assigned=200,
         path="closed", progress=[(60, "已召开6次。"), (100, "全年10次会商会全部召开，纪要已印发。")]),
    dict(key="k2b", parent="k2", title="开展重点企业调研并报送政策建议",
         body="通过问卷和实地调研掌握重点企业困难，汇总问题建议报送政府部门。",
         lead="hyfwb", responsible=["jjyxb"], cooperating=[], deadline=-6, assigned=150,
         path="progress", progress=[(50, "完成6次问卷调查，正在汇总。")]),
    dict(key="k3", title="坚持以创新为核心动力推进“十四五”规划实施",
         body="组织对行业“十四五”规划实施情况进行中期评估，聚焦发展堵点卡点，推动自主创新。",
         lead="hyfzb", responsible=["kjb"], cooperating=["bzb"], deadline=2,
         assigned=260, path="progress",
         progress=[(40, "中期评估方案已印发。"), (90, "评估报告初稿完成，征求各分会意见。")]),
    dict(key="k4", title="深入推进“两化”融合数字化转型，增强发展新动能",
         body="发挥智能与绿色制造、机器人分会等作用，推动先进实用技术的应用扩散，加强技术标准和人才培养。",
         lead="kjb", responsible=["bzb"], cooperating=["hyfzb"], deadline=70, assigned=280,
         path="returned", progress=[(100, "已完成机器人产业需求调研。")],
         completion="数字化转型工作已全部完成。",
         returned="办结报告未附标准制修订清单和成效数据，请补充后重新报送。"),
    dict(key="k5", title="大力推动高水平对外开放，打造“双循环”新格局",
         body="加强国际化专业能力培养和专业化服务，加强与境内外相关组织的联系交流，提供咨询和法律服务。",
         lead="gjhzb", responsible=[], cooperating=["hyfwb"], deadline=15, assigned=240,
         path="extension", progress=[(35, "已与境外12家对口组织恢复业务联系。")],
         extension=(60, "境外对口组织年会推迟至下月举行，需延期完成对接成果汇总。")),
    dict(key="k6", title="加强软实力建设，夯实产业战略支撑",
         body="加强行业人才队伍建设和产业文化建设，加强行业诚信、行业自律，关注参与ESG建设。",
         lead="rsb", responsible=["xcb"], cooperating=["hyfwb"], deadline=50, assigned=230,
         path="reported", progress=[(70, "人才培养规划已制定。")],
         completion="人才队伍建设、诚信企业遴选和大国重器文化宣传均已完成，附总结材料。"),
    dict(key="k7", title="坚持以党建为引领推动创新发展，巩固扩大巡视整改成果",
         body="提升党建工作制度化、规范化、科学化水平；对尚未完成的5个问题和5项整改措施按确定时限完成。",
         lead="djb", responsible=["jjs", "bgs"], cooperating=["rsb"], deadline=10, assigned=10,
         path="assigned", working_days=10, priority="high"),
    dict(key="k8", title="完成总部及系统相关制度制修订",
         body="对照巡视反馈，完成制度的立改废释，形成制度汇编。",
         lead="bgs", responsible=["djb"], cooperating=[], deadline=-40, assigned=330,
         path="closed", progress=[(100, "完成制度制修订546项，汇编已印发。")]),
    dict(key="k9", title="编发工作简报，宣传巡视整改成果",
         body="按月编发工作简报，及时反映整改进展和成效。",
         lead="xcb", responsible=[], cooperating=["djb"], deadline=90, assigned=None,
         path="approved"),
    dict(key="k10", title="研究制定部门例会和重大事项督办制度",
         body="建立部门例会制度，明确重大事项督办的立项、交办、反馈、销号流程。",
         lead="bgs", responsible=[], cooperating=["rsb"], deadline=120, assigned=None,
         path="draft"),
]

CITY_SOURCE = "全市国有企业统战工作推进会讲话"

CITY_TASKS = [
    dict(key="c1", title="充分发挥联席会议机制的统筹协调作用",
         body="市委统战部履行牵头抓总职责，定期召集联席会议，研究解决重点难点问题，统筹部署阶段性任务；"
              "市国资委履行主体责任，加强对市属国企统战工作的日常指导、监督和考核；"
              "市财政局等相关部门在政策支持、资源保障等方面给予积极配合。",
         lead="tzb", responsible=["gzw"], cooperating=["czj"], deadline=45, assigned=120,
         path="progress", progress=[(40, "联席会议已召开2次，年度工作要点已印发。")],
         priority="high", source_kind="speech"),
    dict(key="c1a", parent="c1", title="制定联席会议年度工作计划和议事规则",
         body="明确成员单位职责、会议频次和议定事项督办机制。",
         lead="tzb", responsible=[], cooperating=["gzw", "czj"], deadline=-10, assigned=100,
         path="closed", progress=[(100, "年度工作计划和议事规则经联席会议审议通过并印发。")],
         source_kind="speech"),
    dict(key="c1b", parent="c1", title="将统战工作纳入市属国企党建考核",
         body="市国资委把统战工作纳入市属国企党建工作考核指标体系，开展日常指导和监督。",
         lead="gzw", responsible=["xxgt", "xxky"], cooperating=["tzb"], deadline=-3, assigned=90,
         path="progress", progress=[(30, "考核指标征求意见稿已形成。")], source_kind="speech"),
    dict(key="c2", title="搭建常态化的学习交流平台",
         body="定期组织市属国企统战工作经验交流会、现场观摩会，推广XX矿业公司先进典型经验；"
              "围绕党外高知在科技创新中的作用等主题举办专题研讨会或论坛。",
         lead="tzb", responsible=["gzw"], cooperating=["xxky", "xxgt"], working_days=15,
         deadline=None, assigned=None, path="assigned", source_kind="speech"),
    dict(key="c3", title="构建畅通高效的诉求反映和成果转化渠道",
         body="建立健全线上线下相结合的建言献策渠道；统战部门和国资委建立专门台账，梳理分析意见建议，"
              "及时向市委、市政府和相关企业反馈；对被采纳并产生良好效益的建议给予通报表扬或物质奖励。",
         lead="tzb", responsible=["gzw"], cooperating=["swbgs"], deadline=75, assigned=60,
         path="progress", progress=[(20, "建言献策线上平台需求已确定。")], source_kind="speech"),
    dict(key="c4", title="健全党外代表人士培养、选拔、使用体系",
         body="建立市属国企党外代表人士人才库，发挥人才“蓄水池”作用。",
         lead="tzb", responsible=["gzw", "rsj"], cooperating=["xxgt", "xxky", "xxjt"],
         deadline=150, assigned=None, path="draft", source_kind="speech"),
    dict(key="c5", title="支持党外知识分子在关键核心技术攻关中挑大梁",
         body="支持引导党外知识分子、技术骨干参与关键核心技术攻关，孵化“专精特新”项目。",
         lead="kjj", responsible=["xxgt"], cooperating=["gzw"], deadline=30, assigned=80,
         path="reported", progress=[(60, "XX钢铁集团党外人士建言献策工作室已揭牌。")],
         completion="攻关项目已立项3项，成果已报市科技局备案。", source_kind="speech"),
]
