import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook, load_workbook

from conftest import PASSWORD
from taizhang.talent import excel
from taizhang.talent.models import Person

from .conftest import valid_id

pytestmark = pytest.mark.django_db

HEADER = [
    "姓名",
    "性别",
    "出生年份",
    "政治面貌",
    "所属党派",
    "单位",
    "工作单位",
    "专业领域",
    "身份证号",
]


def roster(*rows, title=True):
    wb = Workbook()
    ws = wb.active
    if title:
        ws.append(["党外代表人士花名册"])
    ws.append(HEADER)
    for row in rows:
        ws.append(list(row))
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def upload(client, keeper, data):
    assert client.login(username=keeper.username, password=PASSWORD)
    return client.post(
        "/talent/import/", {"file": SimpleUploadedFile("roster.xlsx", data)}, follow=True
    )


def test_a_good_roster_is_imported_whole(client, keeper, units):
    data = roster(
        [
            "李文博",
            "男",
            1975,
            "民主党派",
            "九三学社",
            "XX钢铁集团",
            "",
            "轧钢工艺",
            valid_id("19750102"),
        ],
        [
            "周小芸",
            "女",
            "",
            "新的社会阶层人士",
            "",
            "",
            "XX数智科技",
            "工业互联网",
            valid_id("19890607", "224"),
        ],
        ["", "", "", "", "", "", "", "", ""],  # an empty row is skipped
        ["马骏", "男", 1970, "无党派人士", "", "市国资委", "", "国资监管", ""],
    )
    response = upload(client, keeper, data)
    assert "3" in response.content.decode()
    li = Person.objects.get(name="李文博")
    assert (li.affiliation, li.party, li.unit, li.birth_year) == (
        "democratic_party",
        "jiusan",
        units["steel"],
        1975,
    )
    zhou = Person.objects.get(name="周小芸")
    assert zhou.birth_year == 1989  # read from the ID number
    assert zhou.employer == "XX数智科技" and zhou.unit is None
    assert Person.objects.get(name="马骏").unit == units["gzw"]


def test_a_bad_roster_imports_nothing_and_lists_every_bad_row(client, keeper, make_person):
    taken = valid_id("19700101", "777")
    make_person("已在库", id_number=taken)
    good = valid_id("19800808", "101")
    wrong_check = valid_id("19810101")[:-1] + ("0" if valid_id("19810101")[-1] != "0" else "1")
    data = roster(
        ["好人", "男", 1980, "无党派人士", "", "XX钢铁集团", "", "", good],  # row 3: fine
        ["错校验", "男", "", "无党派人士", "", "", "", "", wrong_check],  # row 4
        ["年份不符", "女", 1990, "党外知识分子", "", "", "", "", valid_id("19850505")],  # row 5
        ["重复库内", "男", "", "其他", "", "", "", "", taken],  # row 6
        ["", "男", "", "其他", "", "", "", "", ""],  # row 7: no name
        ["短号", "男", "", "其他", "", "", "", "", "11010119800101"],  # row 8
        ["未知单位", "男", "", "其他", "", "火星公司", "", "", ""],  # row 9
        ["党派不明", "男", "", "民主党派", "", "", "", "", ""],  # row 10
        ["文件内重复", "男", 1980, "其他", "", "", "", "", good],  # row 11
        ["坏性别", "不详", "", "其他", "", "", "", "", ""],  # row 12
        ["怪年份", "男", "197²", "其他", "", "", "", "", ""],  # row 13: a digit, not a year
    )
    before = Person.objects.count()
    response = upload(client, keeper, data)
    assert Person.objects.count() == before  # nothing imported, not even row 3
    errors = response.context["errors"]
    bad_rows = sorted({row for row, _message in errors})
    assert bad_rows == [4, 5, 6, 7, 8, 9, 10, 11, 12, 13]
    text = " ".join(message for _row, message in errors)
    for says in (
        "check character",
        "1985",
        "already in the pool",
        "姓名",
        "18",
        "火星公司",
        "democratic party",
        "row 3",
        "不详",
        "197²",
    ):
        assert says in text, says
    body = response.content.decode()
    assert 'id="import-errors"' in body


def test_only_keepers_import(client, people, keeper):
    assert client.login(username="duban", password=PASSWORD)
    assert client.get("/talent/import/").status_code == 403
    with pytest.raises(excel.NotAllowed):
        excel.import_roster(roster(["某人"]), by=people["supervisor"])


def test_a_file_that_is_not_a_workbook_is_refused(keeper):
    with pytest.raises(excel.ImportFailed, match="Nobody was imported"):
        excel.import_roster(b"not a zip", by=keeper)


def test_a_sheet_longer_than_allowed_is_refused(keeper, settings):
    settings.TAIZHANG_IMPORT_MAX_ROWS = 3
    rows = [[f"专家{n}"] + [""] * 8 for n in range(5)]
    with pytest.raises(excel.ImportFailed) as failed:
        excel.import_roster(roster(*rows), by=keeper)
    assert "more than 3 rows" in failed.value.errors[0][1]


def test_the_template_downloads_and_imports_back_empty_as_nothing(client, keeper):
    assert client.login(username=keeper.username, password=PASSWORD)
    response = client.get("/talent/import/template.xlsx")
    assert response["Content-Type"] == excel.XLSX
    ws = load_workbook(io.BytesIO(response.content)).active
    header = [c.value for c in ws[3]]
    assert header[:3] == ["姓名", "性别", "出生年份"] and "身份证号" in header
    with pytest.raises(excel.ImportFailed, match="1 problem"):
        excel.import_roster(response.content, by=keeper)


def test_an_export_imports_back_into_another_pool(client, keeper, make_person, org):
    make_person("陈立群", party="jiusan", affiliation="democratic_party")
    assert client.login(username=keeper.username, password=PASSWORD)
    data = client.get("/talent/export.xlsx").content
    Person.objects.all().delete()
    created = excel.import_roster(data, by=keeper)
    assert [(p.name, p.party) for p in created] == [("陈立群", "jiusan")]
