"""The Word files in the GB/T 9704-2012 layout, read back with python-docx; a notice numbered
at its issue and archived, served as issued however the ledger changes afterwards."""

import hashlib
import io
import re

import docx
import pytest
from docx.enum.text import WD_LINE_SPACING
from docx.oxml.ns import qn
from docx.shared import Pt, RGBColor

from taizhang.reports import services
from taizhang.reports.choices import Kind, Status
from taizhang.reports.models import Bulletin

pytestmark = pytest.mark.django_db


def _east_asian(run_or_style):
    fonts = run_or_style.element.rPr.rFonts
    return fonts.get(qn("w:eastAsia"))


def _read(content):
    return docx.Document(io.BytesIO(content))


def _notice(people, **extra):
    return services.create_bulletin(
        by=people["supervisor"],
        kind=Kind.NOTICE,
        year=2022,
        title="关于2022年11月督办事项落实情况的通报",
        period_start="2022-11-01",
        period_end="2022-11-30",
        copy_to="市委办公室",
        **extra,
    )


def assert_official_layout(document):
    section = document.sections[0]

    # Word keeps lengths in twentieths of a point: to a tenth of a millimetre.
    def mm(length):
        return round(length.mm, 1)

    assert (mm(section.page_width), mm(section.page_height)) == (210, 297)  # A4
    margins = (section.top_margin, section.bottom_margin, section.left_margin, section.right_margin)
    assert [mm(m) for m in margins] == [37, 35, 28, 26]
    normal = document.styles["Normal"]
    assert _east_asian(normal) == "仿宋_GB2312" and normal.font.size == Pt(16)  # 三号
    assert normal.paragraph_format.line_spacing_rule == WD_LINE_SPACING.EXACTLY
    assert normal.paragraph_format.line_spacing == Pt(28)
    # The page number: "— PAGE —" in 宋体 四号, odd pages right, even pages left.
    for footer in (section.footer, section.even_page_footer):
        xml = footer.paragraphs[0]._p.xml
        assert "PAGE" in "".join(footer.paragraphs[0]._p.itertext()) or " PAGE " in xml
        runs = footer.paragraphs[0].runs
        assert runs[0].text == "— " and runs[-1].text == " —"
        assert all(r.font.size == Pt(14) and _east_asian(r) == "宋体" for r in runs)
    assert document.settings.odd_and_even_pages_header_footer


def test_a_notice_is_in_the_official_layout(people, history):
    document = _read(services.bulletin_file(_notice(people), people["supervisor"]))
    assert_official_layout(document)
    heading = document.paragraphs[0]
    assert heading.runs[0].font.color.rgb == RGBColor(0xFF, 0, 0)  # 版头 in red
    assert _east_asian(heading.runs[0]) == "方正小标宋简体"
    xml = "".join(p._p.xml for p in document.paragraphs[:4])
    assert 'w:color="FF0000"' in xml and "w:pBdr" in xml  # the red separator line
    title = next(p for p in document.paragraphs if p.text == "关于2022年11月督办事项落实情况的通报")
    assert title.runs[0].font.size == Pt(22) and _east_asian(title.runs[0]) == "方正小标宋简体"
    text = "\n".join(p.text for p in document.paragraphs)
    assert "抄送：市委办公室" in text.replace(" ", "")
    # The attached list: the task closed in November and the one overdue at its end.
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert history["closed_on_time"].number in cells and history["closed_late"].number in cells


def test_a_notice_longer_than_its_lists_says_so(people, history, make_task, monkeypatch):
    from taizhang.reports import notices
    from taizhang.reports.tests.conftest import D, dated

    dated(make_task("closed"), assigned=D(2022, 10, 8), closed=D(2022, 11, 20))
    monkeypatch.setattr(notices, "LIST_ROWS", 1)
    document = _read(services.bulletin_file(_notice(people), people["supervisor"]))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "以上列出前1项，共2项，台账列有全部事项。" in text  # the closed: one of two
    assert "共1项" not in text  # the overdue list is whole


def test_issuing_numbers_archives_and_never_regenerates(people, history, client, make_task):
    first = services.issue_bulletin(_notice(people), by=people["supervisor"])
    second = services.issue_bulletin(_notice(people), by=people["supervisor"])
    assert (first.number, second.number) == (1, 2)
    assert first.status == Status.ISSUED and first.number_label == "〔2022〕第1期"
    client.force_login(people["leader"])
    response = client.get(f"/reports/bulletins/{first.pk}.docx")
    assert response.status_code == 200
    archived = b"".join(response.streaming_content) if response.streaming else response.content
    assert hashlib.sha256(archived).hexdigest() == first.sha256
    assert "第1期" in "\n".join(p.text for p in _read(archived).paragraphs)
    # The ledger moves on; the issued notice does not.
    make_task("closed")
    again = client.get(f"/reports/bulletins/{first.pk}.docx").content
    assert again == archived
    assert Bulletin.objects.get(pk=first.pk).facts["closed_count"] == 1


def test_an_issued_notice_cannot_be_edited(people, history):
    issued = services.issue_bulletin(_notice(people), by=people["supervisor"])
    with pytest.raises(Exception, match=r"."):
        services.edit_bulletin(issued, by=people["supervisor"], title="改过的标题")
    assert Bulletin.objects.get(pk=issued.pk).title.startswith("关于2022年11月")


def test_a_briefing_is_assembled_from_chosen_items(people, history, client):
    client.force_login(people["supervisor"])
    response = client.post(
        "/reports/bulletins/new/",
        {
            "kind": "briefing",
            "year": "2022",
            "title": "工作简报",
            "body": "本期要点。",
            "report_to": "会领导",
            "send_to": "各部门",
            "issue_to": "各直属单位",
        },
    )
    briefing = Bulletin.objects.get(kind=Kind.BRIEFING)
    assert response.status_code == 302
    done = history["closed_on_time"]
    response = client.post(
        briefing.get_absolute_url(),
        {
            "version": briefing.version,
            "title": "工作简报",
            "body": "本期要点。",
            "report_to": "会领导",
            "send_to": "各部门",
            "issue_to": "各直属单位",
            "add": f"task:{done.pk}",
        },
    )
    briefing.refresh_from_db()
    assert [item["id"] for item in briefing.items] == [done.pk]
    # Its text edited, then issued: 第1期, with the 报/送/发 lines.
    client.post(
        briefing.get_absolute_url(),
        {
            "version": briefing.version,
            "title": "工作简报",
            "body": "本期要点。",
            "report_to": "会领导",
            "send_to": "各部门",
            "issue_to": "各直属单位",
            "item-0-kind": "task",
            "item-0-id": done.pk,
            "item-0-title": "建言献策台账建成",
            "item-0-text": "已建立专门台账，按月更新。",
        },
    )
    client.post(f"/reports/bulletins/{briefing.pk}/act/issue/", {"version": briefing.version + 1})
    briefing.refresh_from_db()
    assert briefing.status == Status.ISSUED and briefing.number == 1
    document = _read(client.get(f"/reports/bulletins/{briefing.pk}.docx").content)
    assert_official_layout(document)
    text = re.sub(r"\s", "", "\n".join(p.text for p in document.paragraphs))
    assert "已建立专门台账，按月更新。" in text and "建言献策台账建成" in text
    assert "报：会领导" in text and "送：各部门" in text and "发：各直属单位" in text


def test_a_stale_edit_is_refused(people, client):
    notice = _notice(people)
    client.force_login(people["supervisor"])
    client.post(
        notice.get_absolute_url(),
        {
            "version": notice.version,
            "title": "一",
            "period_start": "2022-11-01",
            "period_end": "2022-11-30",
        },
    )
    client.post(
        notice.get_absolute_url(),
        {
            "version": notice.version,
            "title": "二",
            "period_start": "2022-11-01",
            "period_end": "2022-11-30",
        },
    )
    assert Bulletin.objects.get(pk=notice.pk).title == "一"


def test_the_task_sheets(people, history, client):
    task = history["closed_late"]
    client.force_login(people["tzb"])
    for sheet, label in (("duban", "督办单"), ("cuiban", "催办单")):
        response = client.get(f"/tasks/{task.pk}/{sheet}.docx")
        assert response.status_code == 200
        document = _read(response.content)
        assert_official_layout(document)
        text = "\n".join(p.text for p in document.paragraphs)
        assert label in text and task.number in text
        cells = " ".join(c.text for t in document.tables for row in t.rows for c in row.cells)
        assert task.title in text + cells
    client.force_login(people["czj"] if False else people["admin"])
    assert client.get(f"/tasks/{task.pk}/duban.docx").status_code in (403, 404)
