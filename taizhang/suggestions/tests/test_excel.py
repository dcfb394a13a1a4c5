"""The 建言献策台账 in Excel: the export's layout and values, the all-or-nothing import of
offline suggestions, and its template."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from openpyxl import Workbook, load_workbook

from conftest import PASSWORD
from taizhang.suggestions import excel, services
from taizhang.suggestions.models import ChannelSettings, Suggestion
from taizhang.utils.errors import NotAllowed

pytestmark = pytest.mark.django_db


def sheet(*rows, headers=excel.IMPORT_HEADERS, title="建言献策导入"):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append([title])
    ws.append(headers)
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def exported(suggestions):
    data = excel.export_ledger(excel.export_rows(suggestions))
    ws = load_workbook(io.BytesIO(data)).active
    rows = [[c.value for c in row] for row in ws.iter_rows(min_row=4)]
    return ws, [dict(zip(excel.HEADERS, row, strict=True)) for row in rows]


def login(client, user):
    assert client.login(username=user.username, password=PASSWORD)


def test_export_has_the_office_layout_and_the_values_of_a_walked_suggestion(
    make_suggestion, people, units
):
    adopted = make_suggestion("adopted")
    services.record_outcome(
        adopted, by=people["supervisor"], text="建成协同创新平台", benefit_amount="350.5"
    )
    services.commend(adopted, by=people["supervisor"], kind="reward", amount="5000")
    services.approve_commendation(adopted, by=people["leader"])
    make_suggestion("submitted", title="优化营商环境")
    ws, rows = exported(Suggestion.objects.visible_to(people["supervisor"]))
    assert ws["A1"].value == "建言献策台账"
    assert [c.value for c in ws[3]] == excel.HEADERS
    assert ws.freeze_panes == "D4"
    assert ws.column_dimensions["C"].width == 36
    done = next(r for r in rows if r["编号"] == adopted.number)
    assert done["标题"] == "建立产业链协同创新平台"
    assert done["建议内容"].startswith("建议由市国资委牵头")
    assert done["答复内容"] == "已纳入明年工作计划，将于年内组建平台。"
    assert done["建言人"] == "jy1" and done["建言人单位"] == "XX钢铁集团有限公司"
    assert done["渠道"] == "网上提交" and done["类别"] == "产业发展"
    assert done["收到日期"].date() == adopted.received_on
    assert done["状态"] == "已办结"
    assert done["主办单位"] == "中共XX市委统战部"
    assert done["会办单位"] == "XX市人民政府国有资产监督管理委员会"
    assert done["协办单位"] == "XX市财政局"
    assert done["答复期限"].date() == adopted.deadline
    assert done["答复类别"] == "B类" and done["答复日期"].date() == timezone.localdate()
    assert done["是否按期"] == "是" and done["评价"] == "满意"
    assert done["是否采纳"] == "全部采纳" and done["成果转化"] == "建成协同创新平台"
    assert done["效益（万元）"] == 350.5 and done["表彰"] == "物质奖励（5,000.00元）"
    fresh = next(r for r in rows if r["标题"] == "优化营商环境")
    assert fresh["状态"] == "待受理" and fresh["是否采纳"] == "否"
    assert fresh["答复类别"] == "" or fresh["答复类别"] is None
    assert [r["序号"] for r in rows] == [1, 2]


def test_an_anonymous_suggestion_is_exported_as_anonymous(org, submitters, people):
    ChannelSettings.objects.create(organisation=org, anonymous_allowed=True)
    services.create_suggestion(
        by=submitters["jy1"], title="匿名建议", body="建议公开采购流程。", anonymous=True
    )
    _ws, rows = exported(Suggestion.objects.visible_to(people["supervisor"]))
    assert rows[0]["建言人"] == "匿名" and not rows[0]["建言人单位"]


def test_a_formula_typed_into_a_title_stays_text(submitters, people):
    services.create_suggestion(by=submitters["jy1"], title='=HYPERLINK("x")', body="正文")
    ws, rows = exported(Suggestion.objects.visible_to(people["supervisor"]))
    assert ws["C4"].data_type == "s" and rows[0]["标题"] == '=HYPERLINK("x")'


def test_the_export_page_gives_what_the_user_may_see(client, make_suggestion, people, submitters):
    make_suggestion("accepted")
    services.create_suggestion(by=submitters["jy2"], title="降低物流成本", body="正文")
    login(client, submitters["jy2"])
    response = client.get(reverse("suggestions:export"))
    assert response["Content-Type"] == excel.XLSX
    ws = load_workbook(io.BytesIO(response.content)).active
    assert [ws.cell(row=r, column=3).value for r in range(4, ws.max_row + 1)] == ["降低物流成本"]
    client.logout()
    login(client, people["supervisor"])
    response = client.get(reverse("suggestions:export"), {"status": "accepted"})
    ws = load_workbook(io.BytesIO(response.content)).active
    assert ws.max_row == 4 and ws["C4"].value == "建立产业链协同创新平台"


TODAY = timezone.localdate()
EARLIER = TODAY - datetime.timedelta(days=28)
LATER = TODAY + datetime.timedelta(days=35)
GOOD = [
    [
        "加强校企合作",
        "建议与本地高校共建实训基地。",
        "jy1",
        "",
        "jy2",
        "座谈会",
        EARLIER.isoformat(),
        "人才",
    ],
    [
        "完善供应链金融",
        "建议设立供应链金融服务平台。",
        "",
        "王工",
        "",
        "来信",
        EARLIER - datetime.timedelta(days=10),
        "金融",
        13912345678,
    ],
]


def test_a_good_batch_is_entered_row_by_row_by_the_office(people, submitters):
    created = excel.import_suggestions(sheet(*GOOD), by=people["supervisor"])
    assert [s.title for s in created] == ["加强校企合作", "完善供应链金融"]
    first, second = (Suggestion.objects.for_lists().get(pk=s.pk) for s in created)
    assert first.channel == "symposium" and first.received_on == EARLIER
    assert [u.username for u in first.submitters] == ["jy1", "jy2"]
    assert first.entered_by == people["supervisor"] and first.topic == "人才"
    assert second.channel == "letter" and second.submitter_name == "王工"
    assert second.submitter_contact == "13912345678" and second.submitters == []
    assert first.events.get().action == "submit"


def test_a_bad_batch_lists_every_bad_row_and_imports_nothing(people, submitters):
    rows = [
        GOOD[0],
        ["", "没有标题。", "jy1", "", "", "来信", EARLIER.isoformat()],
        ["没有内容", "", "jy1", "", "", "来信", EARLIER.isoformat()],
        ["无此账号", "正文", "nobody", "", "", "来信", EARLIER.isoformat()],
        ["无此渠道", "正文", "jy1", "", "", "飞鸽传书", EARLIER.isoformat()],
        ["未来日期", "正文", "jy1", "", "", "来信", LATER.isoformat()],
        ["错误日期", "正文", "jy1", "", "", "来信", "2026-13-45"],
        ["标" * 201, "正文", "jy1", "", "", "来信", EARLIER.isoformat()],
        ["没有建言人", "正文", "", "", "", "来信", EARLIER.isoformat()],
        ["联名账号错", "正文", "jy1", "", "jy2、ghost", "热线", EARLIER.isoformat()],
        ["处理人不是建言人", "正文", "tzb", "", "", "来信", EARLIER.isoformat()],
        GOOD[0],
    ]
    with pytest.raises(excel.ImportFailed) as failed:
        excel.import_suggestions(sheet(*rows), by=people["supervisor"])
    errors = failed.value.errors
    by_row = {}
    for line, message in errors:
        by_row.setdefault(line, []).append(message)
    # Row 1 is the title, row 2 the header, the good row is 3.
    assert sorted(by_row) == list(range(4, 15))
    assert "标题" in by_row[4][0] and "内容" in by_row[5][0]
    assert "nobody" in by_row[6][0] and "飞鸽传书" in by_row[7][0]
    assert LATER.isoformat() in by_row[8][0] and "2026-13-45" in by_row[9][0]
    assert "201" in by_row[10][0] and "ghost" in by_row[12][0] and "tzb" in by_row[13][0]
    assert "3" in by_row[14][0]  # the same as row 3
    assert Suggestion.objects.count() == 0


def test_an_error_from_the_service_rolls_back_the_rows_before_it(people, submitters, monkeypatch):
    real = services.create_suggestion
    calls = []

    def second_fails(**fields):
        calls.append(fields["title"])
        if len(calls) == 2:
            raise services.WorkflowError("服务拒绝")
        return real(**fields)

    monkeypatch.setattr(services, "create_suggestion", second_fails)
    with pytest.raises(excel.ImportFailed) as failed:
        excel.import_suggestions(sheet(*GOOD), by=people["supervisor"])
    assert failed.value.errors == [(4, "服务拒绝")]
    assert Suggestion.objects.count() == 0


def test_a_sheet_without_the_header_or_rows_is_refused(people):
    with pytest.raises(excel.ImportFailed, match="1"):
        excel.import_suggestions(sheet(headers=["序号", "名称"]), by=people["supervisor"])
    with pytest.raises(excel.ImportFailed) as failed:
        excel.import_suggestions(sheet(), by=people["supervisor"])
    assert failed.value.errors == [(None, _("The sheet has no suggestion rows."))]
    with pytest.raises(excel.ImportFailed):
        excel.import_suggestions(b"not a workbook", by=people["supervisor"])


def test_only_the_office_imports(people, submitters):
    for user in (submitters["jy1"], people["tzb"], people["leader"]):
        with pytest.raises(NotAllowed):
            excel.import_suggestions(sheet(*GOOD), by=user)


def test_the_template_reads_back_as_an_empty_batch_with_the_import_columns(client, people):
    login(client, people["supervisor"])
    response = client.get(reverse("suggestions:import_template"))
    assert response.status_code == 200 and response["Content-Type"] == excel.XLSX
    wb = load_workbook(io.BytesIO(response.content))
    assert [c.value for c in wb.active[1]] == excel.IMPORT_HEADERS
    assert "来信" in wb.active.data_validations.dataValidation[0].formula1
    assert wb.sheetnames[1] == "填写说明"
    with pytest.raises(excel.ImportFailed, match="1"):
        excel.import_suggestions(response.content, by=people["supervisor"])


def test_the_import_page_lists_the_problems_and_imports_a_good_file(client, people, submitters):
    login(client, people["supervisor"])
    page = reverse("suggestions:import")
    assert client.get(page).status_code == 200
    bad = io.BytesIO(sheet(["", "正文", "jy1", "", "", "来信", EARLIER.isoformat()]))
    bad.name = "bad.xlsx"
    response = client.post(page, {"file": bad})
    assert "import-errors" in response.content.decode()
    assert Suggestion.objects.count() == 0
    good = io.BytesIO(sheet(*GOOD))
    good.name = "good.xlsx"
    response = client.post(page, {"file": good})
    assert response.status_code == 302 and Suggestion.objects.count() == 2


def test_submitters_and_handlers_cannot_import(client, people, submitters):
    for user in (submitters["jy1"], people["tzb"]):
        login(client, user)
        assert client.get(reverse("suggestions:import")).status_code == 403
        assert client.get(reverse("suggestions:import_template")).status_code == 403
        client.logout()


def test_an_export_larger_than_allowed_is_refused_with_a_message(
    client, make_suggestion, people, settings
):
    make_suggestion("submitted")
    make_suggestion("submitted", title="第二条")
    settings.TAIZHANG_EXPORT_MAX_ROWS = 1
    login(client, people["supervisor"])
    response = client.get(reverse("suggestions:export"), follow=True)
    assert response.redirect_chain and response["Content-Type"].startswith("text/html")
    assert "2" in str(list(response.context["messages"])[0])


def test_the_command_imports_a_file_or_lists_its_bad_rows(people, submitters, tmp_path):
    good, bad = tmp_path / "good.xlsx", tmp_path / "bad.xlsx"
    good.write_bytes(sheet(*GOOD))
    bad.write_bytes(sheet(["", "正文", "jy1", "", "", "来信", EARLIER.isoformat()]))
    err = io.StringIO()
    with pytest.raises(CommandError):
        call_command("import-suggestions", str(bad), "--as", "duban", stderr=err)
    assert "row 3" in err.getvalue() and Suggestion.objects.count() == 0
    with pytest.raises(CommandError):
        call_command("import-suggestions", str(good), "--as", "jy1")  # not the office
    out = io.StringIO()
    call_command("import-suggestions", str(good), "--as", "duban", stdout=out)
    assert "2 suggestions imported" in out.getvalue() and Suggestion.objects.count() == 2
