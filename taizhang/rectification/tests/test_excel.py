"""The three lists read back as an office would open them, and the plan import: all rows or
none, merged cells, every bad row with its reason, a broken upload, the template, the CLI."""

import datetime
import io
from urllib.parse import unquote

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from taizhang.audit.choices import AuditAction
from taizhang.audit.models import AuditRecord
from taizhang.rectification import excel, services
from taizhang.rectification.models import Measure, Plan, Problem

from .conftest import in_days
from .test_progress import _grow


def _book(response):
    assert response.status_code == 200, response.content[:500]
    return load_workbook(io.BytesIO(response.content))


def _rows(ws, first=4):
    return [list(r) for r in ws.iter_rows(min_row=first, values_only=True)]


def _export(client, user, plan, sheet, query=""):
    client.force_login(user)
    url = reverse("rectification:export", args=[plan.pk, sheet])
    return client.get(f"{url}{query}")


def test_problem_list_reads_back(client, launched, verify, people):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    response = _export(client, people["supervisor"], launched, "problems")
    name = unquote(response["Content-Disposition"].split("''", 1)[1])
    assert name == f"{launched.title}-问题清单-{timezone.localdate().isoformat()}.xlsx"
    ws = _book(response).active
    assert ws["A1"].value == f"{launched.title}问题清单"
    assert ws["A2"].value.startswith("导出时间")
    assert [c.value for c in ws[3]] == excel.PROBLEM_HEADERS
    assert ws.freeze_panes == "D4" and ws.auto_filter.ref == "A3:K6"
    assert ws.page_setup.fitToWidth == 1
    first, second, third = _rows(ws)
    assert first[:8] == [
        1,
        "落实统战工作责任制方面",
        "国企统战工作责任落实不到位",
        "部分企业党委对统战工作重视不够",
        "较重",
        None,
        "XX市人民政府国有资产监督管理委员会",
        "XX市财政局",
    ]
    assert first[9] == "已完成（措施已完成2/2项）" and first[10] == "未销号"
    assert second[9] == "整改中（措施已完成0/1项）"
    assert third[1] == "建言献策工作机制方面"
    # The download is in the audit log with its Chinese name.
    record = AuditRecord.objects.filter(action=AuditAction.DOWNLOAD).latest("seq")
    assert record.object_repr == name


def test_measure_list_reads_back(client, launched, verify, people):
    measure = Measure.objects.get(problem__number=1, position=1)
    verify(measure)
    ws = _book(_export(client, people["supervisor"], launched, "measures")).active
    assert ws["A1"].value == f"{launched.title}任务清单"
    assert [c.value for c in ws[3]] == excel.MEASURE_HEADERS
    rows = _rows(ws)
    assert len(rows) == 4
    task = measure.task
    task.refresh_from_db()
    assert rows[0][:8] == [
        1,
        "落实统战工作责任制方面",
        1,
        "制定国企统战工作责任清单",
        "限期整改",
        "XX市人民政府国有资产监督管理委员会",
        "XX市财政局",
        None,
    ]
    assert rows[0][8].date() == task.deadline
    assert rows[0][9] == task.number and rows[0][10] == "已销号"
    assert rows[0][11].date() == timezone.localdate()
    assert rows[2][4] == "长期坚持" and rows[3][4] == "立行立改"
    assert rows[1][10] == "已交办" and rows[1][11] is None


def test_responsibility_list_with_unit_and_leader_totals(client, launched, verify, people):
    for measure in Measure.objects.filter(problem__number=1):
        verify(measure)
    for number in (2, 3):
        services.update_problem(
            Problem.objects.get(plan=launched, number=number),
            by=people["supervisor"],
            responsible_leader_name="张副市长",
        )
    wb = _book(_export(client, people["leader"], launched, "responsibilities"))
    assert wb.sheetnames == ["责任清单", "责任单位汇总", "责任领导汇总"]
    ws = wb["责任清单"]
    assert [c.value for c in ws[3]] == excel.RESPONSIBILITY_HEADERS
    assert _rows(ws)[0] == [
        1,
        "国企统战工作责任落实不到位",
        None,
        "XX市人民政府国有资产监督管理委员会",
        "XX市财政局",
        2,
        2,
    ]
    totals = {r[1]: r[2:] for r in _rows(wb["责任单位汇总"])}
    assert totals["XX市人民政府国有资产监督管理委员会"] == [2, 2, 1, 0, 0.5]
    assert totals["XX市财政局"] == [0, 1, 1, 0, 1]
    assert totals["中共XX市委统战部"] == [1, 1, 0, 0, 0]
    assert _rows(wb["责任领导汇总"]) == [[1, "张副市长", 2, 0, 2, 0, 0]]


def test_a_handler_exports_only_their_rows(client, launched, people):
    ws = _book(_export(client, people["tzb"], launched, "measures")).active
    assert [r[3] for r in _rows(ws)] == ["建立建言献策专门台账"]
    ws = _book(_export(client, people["czj"], launched, "problems")).active
    assert [r[2] for r in _rows(ws)] == ["国企统战工作责任落实不到位"]


def test_an_export_follows_the_list_filters(client, launched, verify, people):
    for measure in Measure.objects.filter(problem__number=3):
        verify(measure)
    ws = _book(_export(client, people["supervisor"], launched, "problems", "?done=true")).active
    assert [r[0] for r in _rows(ws)] == [3]
    ws = _book(
        _export(client, people["supervisor"], launched, "measures", "?state=open&kind=ongoing")
    ).active
    assert [r[3] for r in _rows(ws)] == ["每季度召开联席会议"]


def test_an_unseen_plan_or_an_unknown_list_is_not_found(client, launched, people, other_org):
    assert _export(client, other_org["supervisor"], launched, "problems").status_code == 404
    assert _export(client, people["steel"], launched, "problems").status_code == 404
    assert _export(client, people["supervisor"], launched, "ledger").status_code == 404


# ---- import ------------------------------------------------------------------------------

HEADER = [
    "方面",
    "问题序号",
    "存在问题",
    "反馈原文",
    "严重程度",
    "责任领导",
    "牵头单位",
    "责任单位",
    "承诺完成时限",
    "措施",
    "措施类型",
    "完成时间",
]


def _sheet(rows, merges=(), title=True, header=HEADER):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["市委第三巡察组反馈意见整改问题清单"])
        ws.append(["填报单位：市委督查室"])
    ws.append(header)
    for row in rows:
        ws.append(row)
    for merge in merges:
        ws.merge_cells(merge)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def _good_rows():
    later, committed = in_days(120), in_days(150)
    return [
        # Problem 1: its cells merged over its two measures (rows 4-5).
        [
            "一、落实主体责任方面",
            1,
            "统战工作责任落实不到位",
            "部分单位对统战工作重视不够",
            "较重",
            "lingdao",
            "国资委",
            "市财政局",
            committed,
            "制定统战工作责任清单",
            "限期整改",
            later,
        ],
        [None] * 9 + ["每季度专题研究统战工作", "长期坚持", ""],
        # Problem 2: its cells repeated on each measure (rows 6-7), the aspect left blank.
        [
            None,
            2,
            "建言献策台账不健全",
            "",
            "",
            "王五（副市长）",
            "统战部",
            "",
            "",
            "建立专门台账",
            "立行立改",
            None,
        ],
        [
            None,
            2,
            "建言献策台账不健全",
            "",
            "",
            "王五（副市长）",
            "统战部",
            "",
            "",
            "每月更新台账",
            "",
            f"{later.year}年{later.month}月底",
        ],
        # Aspect 2, problem 3 with one measure (row 8).
        [
            "二、制度建设方面",
            3,
            "联席会议制度运行不规范",
            "",
            "一般",
            "",
            "XX市财政局",
            "",
            f"{committed.year}年{committed.month}月底",
            "修订联席会议制度",
            "",
            later.isoformat(),
        ],
    ]


def _post(client, user, data, **fields):
    client.force_login(user)
    form = {
        "title": "市委第三巡察组反馈意见整改方案",
        "kind": "circuit",
        "office": user.unit_ids() and sorted(user.unit_ids())[0],
        "deadline": in_days(180).isoformat(),
        "file": SimpleUploadedFile("plan.xlsx", data, content_type="application/vnd.ms-excel"),
        **fields,
    }
    return client.post(reverse("rectification:import"), form)


def test_an_import_makes_the_plan_with_merged_and_repeated_cells(client, people, units):
    data = _sheet(_good_rows(), merges=[f"{c}4:{c}5" for c in "ABCDEFGHI"])
    response = _post(client, people["supervisor"], data)
    assert response.status_code == 200
    page = response.content.decode()
    assert 'data-testid="count-aspects">2<' in page
    assert 'data-testid="count-problems">3<' in page
    assert 'data-testid="count-measures">5<' in page
    plan = Plan.objects.get()
    assert plan.status == "draft" and plan.office == units["office"]
    assert list(plan.aspects.values_list("title", flat=True)) == [
        "一、落实主体责任方面",
        "二、制度建设方面",
    ]
    first, second, third = Problem.objects.filter(plan=plan).order_by("number")
    assert first.seriousness == "serious" and first.lead_unit == units["gzw"]
    assert first.committed_date == in_days(150) and second.committed_date is None
    assert third.committed_date.month == in_days(150).month and third.committed_date.day >= 28
    assert first.responsible_leader == people["leader"]
    assert list(first.units.all()) == [units["czj"]]
    assert second.responsible_leader is None and second.responsible_leader_name == "王五（副市长）"
    assert second.aspect.title == "一、落实主体责任方面"
    assert third.aspect.title == "二、制度建设方面" and third.lead_unit == units["czj"]
    measures = list(Measure.objects.filter(plan=plan).select_related("task"))
    assert [(m.problem.number, m.position, m.kind) for m in measures] == [
        (1, 1, "scheduled"),
        (1, 2, "ongoing"),
        (2, 1, "immediate"),
        (2, 2, "scheduled"),
        (3, 1, "scheduled"),
    ]
    later = in_days(120)
    assert measures[0].task.deadline == later
    assert measures[1].task.deadline == plan.deadline  # none given: the plan's
    assert measures[3].task.deadline.month == later.month and measures[3].task.deadline.day >= 28
    assert all(m.task.source_kind == "rectification" for m in measures)


def test_bad_rows_import_nothing_and_each_says_why(client, people):
    rows = _good_rows()
    rows[0][6] = "市水利局"  # row 4: unknown lead unit
    rows[2][2] = rows[3][2] = None  # rows 6-7: the problem lost its description...
    rows[2][1] = rows[3][1] = 2  # ...but keeps its number: one problem, row 6
    rows[3][11] = "下个月"  # row 7: not a date
    rows[4][10] = "马上办"  # row 8: no such kind of measure
    response = _post(client, people["supervisor"], _sheet(rows))
    page = response.content.decode()
    assert not Plan.objects.exists() and not Measure.objects.exists()
    assert "市水利局" in page
    errors = response.context["errors"]
    lines = [line for line, _message in errors]
    assert lines == [4, 6, 7, 8]
    messages = dict(errors)
    assert "市水利局" in messages[4]
    assert "问题描述" in messages[6]
    assert "下个月" in messages[7]
    assert "马上办" in messages[8]


def test_dates_and_numbers_in_text_cells_are_read_as_text(client, people):
    rows = _good_rows()
    rows[0][0] = datetime.datetime(2026, 3, 1)  # 方面
    rows[0][2] = 20260301.0  # 问题描述
    rows[0][5] = datetime.date(2026, 3, 2)  # 责任领导
    rows[0][9] = 110.0  # 整改措施
    rows[4][2] = datetime.datetime(2026, 3, 3, 9, 30)
    response = _post(client, people["supervisor"], _sheet(rows))
    assert response.context["made"]["measures"] == 5, response.context["errors"]
    first = Problem.objects.get(number=1)
    assert first.aspect.title == "2026-03-01" and first.description == "20260301"
    assert first.responsible_leader_name == "2026-03-02"
    assert first.measures.order_by("position")[0].task.title == "110"
    assert Problem.objects.get(number=3).description == "2026-03-03 09:30"


def test_a_number_in_a_unit_cell_is_named_as_written(client, people):
    rows = _good_rows()
    rows[0][6] = 110.0
    [(line, message)] = _post(client, people["supervisor"], _sheet(rows)).context["errors"]
    assert line == 4 and "“110”" in message


def test_every_bad_row_is_listed_at_once_with_the_ledgers_bounds(client, people):
    rows = _good_rows()
    rows[0][6] = "市水利局"  # row 4: unknown lead unit, found while reading
    rows[1][11] = "2206-01-01"  # row 5: a deadline the ledger refuses
    rows[2][3] = rows[3][3] = "原" * 5001  # row 6: 反馈原文 over the problem's limit
    rows[3][11] = "9999个工作日"  # row 7: more working days than a deadline may count
    rows[4][8] = datetime.date(2206, 1, 1)  # row 8: a committed date too far away
    rows[4][0] = "方" * 301  # row 8: an aspect over its limit
    response = _post(client, people["supervisor"], _sheet(rows))
    assert not Plan.objects.exists()
    errors = response.context["errors"]
    assert [line for line, _m in errors] == [4, 5, 6, 7, 8, 8]
    messages = [message for _line, message in errors]
    assert "完成时限" in messages[1] and "2206-01-01" in messages[1]
    assert "办理时限" not in messages[1] and "办理时限" not in messages[3]
    assert "反馈原文" in messages[2] and "5001" in messages[2]
    assert "完成时限" in messages[3] and "2000" in messages[3]
    assert "方面" in messages[4] and "301" in messages[4]
    assert "完成时限(承诺)" in messages[5] and "2206-01-01" in messages[5]


def test_a_refusal_at_creation_is_listed_with_its_row_and_rolls_the_plan_back(client, people):
    rows = _good_rows()
    rows[4][1] = 100000  # row 8: a number the services refuse when making the problem
    response = _post(client, people["supervisor"], _sheet(rows))
    [(line, message)] = response.context["errors"]
    assert line == 8 and "99999" in message
    assert not Plan.objects.exists() and not Problem.objects.exists()
    assert not Measure.objects.exists()


def test_a_number_used_twice_is_a_bad_row(client, people):
    rows = _good_rows()
    rows[4][1] = 1  # row 8: problem 1 again, after problem 2
    rows[3][2] = "另一个问题"  # row 7: number 2 repeated with another description
    response = _post(client, people["supervisor"], _sheet(rows))
    assert not Plan.objects.exists()
    errors = dict(response.context["errors"])
    assert sorted(errors) == [7, 8]
    assert "问题描述" in errors[7] and "6" in errors[7]
    assert "问题序号 1" in errors[8] and "4" in errors[8]
    rows = _good_rows()
    rows[4][1] = "三"
    [(line, message)] = _post(client, people["supervisor"], _sheet(rows)).context["errors"]
    assert line == 8 and "“三”" in message


def test_the_sheets_numbers_are_kept_and_exported(client, people):
    rows = _good_rows()
    rows[4][1] = 5
    rows.append(
        ["三、其他方面", None, "未编号的问题", "", "", "", "统战部", "", "", "整改", "", ""]
    )
    rows.append(["三、其他方面", 4, "编号在后的问题", "", "", "", "统战部", "", "", "整改", "", ""])
    response = _post(client, people["supervisor"], _sheet(rows))
    assert response.context["made"]["problems"] == 5, response.context["errors"]
    plan = Plan.objects.get()
    numbers = dict(Problem.objects.filter(plan=plan).values_list("description", "number"))
    assert numbers["联席会议制度运行不规范"] == 5
    assert numbers["未编号的问题"] == 6 and numbers["编号在后的问题"] == 4
    ws = _book(_export(client, people["supervisor"], plan, "problems")).active
    assert [r[0] for r in _rows(ws)] == [1, 2, 4, 5, 6]


@pytest.mark.parametrize("header", ["完成时限(承诺)", "问题完成时限", "整改完成时限（问题）"])
def test_the_committed_date_column_round_trips_through_the_problem_list(client, people, header):
    rows = _good_rows()
    _post(client, people["supervisor"], _sheet(rows))
    plan = Plan.objects.get()
    ws = _book(_export(client, people["supervisor"], plan, "problems")).active
    column = excel.PROBLEM_HEADERS.index("完成时限(承诺)")
    assert ws.cell(row=3, column=column + 1).value == "完成时限(承诺)"
    exported = [r[column] for r in _rows(ws)]
    assert exported[0].date() == in_days(150) and exported[1] is None
    # The exported column, pasted into an import sheet under one of its names, reads back.
    rows[0][8], rows[2][8], rows[3][8], rows[4][8] = exported[0], None, None, exported[2]
    data = _sheet(rows, header=[*HEADER[:8], header, *HEADER[9:]])
    response = _post(client, people["supervisor"], data, title="第二个方案")
    assert response.context["made"]["problems"] == 3, response.context["errors"]
    again = Plan.objects.get(title="第二个方案")
    dates = list(again.problems.order_by("number").values_list("committed_date", flat=True))
    assert dates == [value.date() if value else None for value in exported]


def test_a_broken_upload_says_why(client, people):
    response = _post(client, people["supervisor"], b"this is not a workbook")
    assert not Plan.objects.exists()
    [(line, message)] = response.context["errors"]
    assert line is None and "xlsx" in message
    no_header = _sheet([["一", "二"]], title=False)
    wb = load_workbook(io.BytesIO(no_header))
    wb.active.delete_rows(1)
    buffer = io.BytesIO()
    wb.save(buffer)
    response = _post(client, people["supervisor"], buffer.getvalue())
    [(line, message)] = response.context["errors"]
    assert "问题描述" in message and "整改措施" in message


def test_only_the_office_imports(client, people):
    client.force_login(people["gzw"])
    assert client.get(reverse("rectification:import")).status_code == 403
    assert client.get(reverse("rectification:import_template")).status_code == 403
    client.force_login(people["supervisor"])
    assert client.get(reverse("rectification:import")).status_code == 200


def test_the_template_reads_back_as_an_import_sheet(client, people):
    client.force_login(people["supervisor"])
    response = client.get(reverse("rectification:import_template"))
    assert "filename*=utf-8''" in response["Content-Disposition"]
    ws = _book(response).active
    assert [c.value for c in ws[3]] == excel.IMPORT_HEADERS
    # The template, filled in, imports.
    for row in _good_rows():
        ws.append(row)
    buffer = io.BytesIO()
    ws.parent.save(buffer)
    response = _post(client, people["supervisor"], buffer.getvalue())
    assert response.context["made"]["measures"] == 5


def test_the_command_imports_all_or_nothing(tmp_path, people, capsys):
    path = tmp_path / "plan.xlsx"
    path.write_bytes(_sheet(_good_rows()))
    deadline = (timezone.localdate() + datetime.timedelta(days=200)).isoformat()
    args = ["--title", "审计整改方案", "--kind", "audit", "--office", "office"]
    call_command("import-rectification", str(path), *args, "--deadline", deadline, "--by", "duban")
    plan = Plan.objects.get()
    assert plan.title == "审计整改方案" and plan.kind == "audit"
    assert "2 aspects, 3 problems, 5 measures" in capsys.readouterr().out
    rows = _good_rows()
    rows[1][10] = "马上办"
    path.write_bytes(_sheet(rows))
    with pytest.raises(CommandError):
        call_command(
            "import-rectification", str(path), *args, "--deadline", deadline, "--by", "duban"
        )
    assert "row 5" in capsys.readouterr().err
    assert Plan.objects.count() == 1
    with pytest.raises(CommandError):
        call_command(
            "import-rectification", str(path), *args, "--deadline", deadline, "--by", "gzw"
        )


def test_exports_take_constant_queries(client, make_plan, people, units):
    small, large = make_plan(title="小方案"), make_plan(title="大方案")
    _grow(large, people["supervisor"], units)
    for sheet in excel.SHEETS:
        _export(client, people["supervisor"], small, sheet)
        with CaptureQueriesContext(connection) as few:
            _export(client, people["supervisor"], small, sheet)
        with CaptureQueriesContext(connection) as many:
            ws = _book(_export(client, people["supervisor"], large, sheet)).active
        assert len(list(ws.iter_rows(min_row=4))) >= 15
        assert len(many) == len(few), sheet
