"""A leader's walk in the browser: the reports in the menu, the overview with its charts, a
click on a unit's red bar landing on that unit's red-lit tasks, and a 督办通报 downloaded as a
Word file in the official layout; with a screenshot per step under the test's output folder."""

import datetime

import docx
import pytest
from django.utils import timezone
from playwright.sync_api import expect

from taizhang.reports import periods, services
from taizhang.reports.choices import Kind
from taizhang.supervision.jobs import refresh_lights
from taizhang.supervision.models import Task

from .conftest import dated

pytestmark = [pytest.mark.browser]


def _red_bar_point(page, chart_id):
    """The middle of the first unit's red bar, in page pixels (ECharts draws on a canvas)."""
    return page.evaluate(
        """(id) => {
            const element = document.getElementById(id);
            const chart = window.echarts.getInstanceByDom(element);
            const value = chart.getOption().series[0].data[0].value;
            const [x, y] = chart.convertToPixel({seriesIndex: 0}, [value / 2, 0]);
            const box = element.getBoundingClientRect();
            return {x: box.left + x + window.scrollX, y: box.top + y + window.scrollY};
        }""",
        chart_id,
    )


@pytest.mark.parametrize("width", [1280, 390])
def test_a_leader_reads_the_overview_clicks_a_red_bar_and_downloads_a_notice(
    page, live_server, people, make_task, units, steps, width
):
    today = timezone.localdate()
    late = [
        dated(
            make_task("in_progress", title=f"逾期事项{n}"),
            deadline=today - datetime.timedelta(days=10 + n),
        )
        for n in range(2)
    ]
    make_task(
        "in_progress",
        title="国资委在办事项",
        lead_unit=units["gzw"],
        responsible_units=[units["tzb"]],
    )
    make_task("closed", title="已办结事项")
    refresh_lights.call()
    assert Task.objects.filter(light="red").count() == 2
    month = periods.parse(today.strftime("%Y-%m"))
    notice = services.create_bulletin(
        by=people["supervisor"],
        kind=Kind.NOTICE,
        year=today.year,
        title="关于本月督办事项落实情况的通报",
        period_start=month.start,
        period_end=month.end,
    )
    notice = services.issue_bulletin(notice, by=people["supervisor"])

    page.set_viewport_size({"width": width, "height": 900})
    steps.login("lingdao")
    if width < 768:
        page.locator(".navbar-toggler").click()
    page.get_by_test_id("nav-reports").click()
    expect(page.get_by_test_id("figure-overdue")).to_have_text("2")
    expect(page.get_by_test_id("figure-open")).to_have_text("3")
    page.locator("#chart-units canvas").first.wait_for()
    page.locator("#chart-units").scroll_into_view_if_needed()
    steps.shot(f"{width}-overview")

    point = _red_bar_point(page, "chart-units")
    page.mouse.click(
        point["x"] - page.evaluate("window.scrollX"), point["y"] - page.evaluate("window.scrollY")
    )
    page.wait_for_url("**/tasks/?**light=red**")
    expect(page.get_by_test_id("total")).to_contain_text("2")
    for task in late:
        expect(page.locator("body")).to_contain_text(task.title)
    expect(page.locator("body")).not_to_contain_text("国资委在办事项")
    steps.shot(f"{width}-red-tasks")

    page.goto(f"{live_server.url}/reports/bulletins/")
    page.get_by_text("关于本月督办事项落实情况的通报").click()
    expect(page.get_by_test_id("number")).to_have_text(f"〔{today.year}〕第1期")
    steps.shot(f"{width}-notice")
    with page.expect_download() as info:
        page.get_by_test_id("download").click()
    download = info.value
    assert download.suggested_filename.endswith(".docx")
    document = docx.Document(str(download.path()))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "关于本月督办事项落实情况的通报" in text and f"〔{today.year}〕第1期" in text
    cells = [c.text for t in document.tables for row in t.rows for c in row.cells]
    assert {task.number for task in late} <= set(cells)  # the overdue list attached
