"""The two demo organisations, built from the seeds: the federation headquarters that reviews
its year, and the city whose speech on united-front work in SOEs sets its tasks."""

FEDERATION = {
    "code": "jxl",
    "name": "中国机械工业联合会总部",
    # code, full name, short name, aliases (one a line), kind[, parent code]
    "units": [
        ("bgs", "总部办公室", "办公室", "督办室", "office"),
        ("djb", "党建工作部", "党建部", "党委办公室", "department"),
        ("jjs", "纪检监察室", "纪检室", "纪委办公室", "department"),
        ("rsb", "人事部", "", "人力资源部", "department"),
        ("cwb", "财务部", "", "", "department"),
        ("hyfzb", "行业发展部", "发展部", "", "department"),
        ("jjyxb", "经济运行部", "运行部", "统计信息部", "department"),
        ("kjb", "科技工作部", "科技部", "", "department"),
        ("bzb", "标准工作部", "标准部", "", "department"),
        ("gjhzb", "国际合作部", "国际部", "外事部", "department"),
        ("hyfwb", "会员服务部", "会员部", "", "department"),
        ("xcb", "宣传文化部", "宣传部", "", "department"),
    ],
}

CITY = {
    "code": "xxs",
    "name": "XX市国有企业统战工作联席会议",
    "units": [
        ("swbgs", "中共XX市委办公室", "市委办", "", "office"),
        ("tzb", "中共XX市委统战部", "市委统战部", "统战部\n市委统战部门", "committee"),
        ("gzw", "XX市人民政府国有资产监督管理委员会", "市国资委", "国资委", "committee"),
        ("czj", "XX市财政局", "市财政局", "财政局", "bureau"),
        ("fgw", "XX市发展和改革委员会", "市发改委", "发改委", "committee"),
        ("kjj", "XX市科学技术局", "市科技局", "科技局", "bureau"),
        ("rsj", "XX市人力资源和社会保障局", "市人社局", "人社局", "bureau"),
        ("xxgt", "XX钢铁集团有限公司", "XX钢铁集团", "XX钢铁", "enterprise", "gzw"),
        ("xxky", "XX矿业有限公司", "XX矿业公司", "XX矿业", "enterprise", "gzw"),
        ("xxjt", "XX交通投资集团有限公司", "XX交投集团", "交投集团", "enterprise", "gzw"),
    ],
}
