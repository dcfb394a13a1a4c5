"""Charts and QR codes in a real browser under the real Content-Security-Policy: ECharts draws
from the JSON blocks without eval or inline style, follows the window's size, and the QR code
shows at its CSS size."""

import re

import pytest
from playwright.sync_api import expect

from taizhang.utils.tests.test_browser_csp import RECORD_VIOLATIONS

pytestmark = [pytest.mark.browser, pytest.mark.urls("taizhang.utils.tests.urls")]


def test_charts_are_drawn_under_the_csp_and_follow_the_window(page, live_server, db, output_path):
    console = []
    page.on("console", lambda message: console.append(f"{message.type}: {message.text}"))
    page.on("pageerror", lambda error: console.append(f"pageerror: {error}"))
    page.add_init_script(RECORD_VIOLATIONS)
    # The site has no favicon yet; its 404 in the console is not what this test is about.
    page.route("**/favicon.ico", lambda route: route.fulfill(status=204))
    page.set_viewport_size({"width": 1280, "height": 900})

    response = page.goto(f"{live_server.url}/test/charts/")
    csp = response.headers["content-security-policy"]
    assert "script-src 'self'" in csp and "style-src 'self'" in csp
    assert "unsafe-eval" not in csp and "unsafe-inline" not in csp

    bar = page.get_by_test_id("bar").locator(".tz-chart canvas")
    expect(bar).to_have_count(1)
    expect(page.get_by_test_id("pie").locator(".tz-chart canvas")).to_have_count(1)
    line = page.get_by_test_id("line").locator(".tz-chart svg")
    expect(line).to_have_count(1)
    # The SVG renderer writes the chart's text: the axis labels are really there.
    expect(line).to_contain_text("4月")
    # ECharts names each chart for screen readers, in Chinese on a Chinese page.
    label = page.get_by_test_id("bar").locator(".tz-chart").get_attribute("aria-label")
    assert "各单位答复件数" in label and "柱状图" in label, label

    heights = {
        name: page.get_by_test_id(name).locator(".tz-chart").bounding_box()["height"]
        for name in ("line", "bar", "pie")
    }
    assert heights["line"] < heights["bar"] < heights["pie"], "sized by the CSS classes"
    qr = page.get_by_test_id("qr").locator("svg.tz-qr")
    assert qr.bounding_box()["width"] == pytest.approx(128, abs=1)  # 8rem
    assert qr.bounding_box()["height"] == pytest.approx(128, abs=1)  # square by its viewBox
    expect(qr.locator("title")).to_have_text("扫码查看办理结果")
    expect(page.get_by_test_id("block").locator("canvas")).to_have_count(1)
    expect(page.locator(".tz-chart[data-chart-drawn]")).to_have_count(4)
    # Tooltips are drawn by the renderer (rich text), not as HTML with style="" attributes,
    # which the CSP blocks: in the SVG chart the tooltip's text is there to read.
    box = line.bounding_box()
    page.mouse.move(box["x"] + box["width"] * 0.4, box["y"] + box["height"] * 0.5)
    expect(line.locator("text").filter(has_text=re.compile(r"^建议$"))).to_have_count(1)
    page.screenshot(path=f"{output_path}/charts-wide.png", full_page=True)

    wide = bar.bounding_box()["width"]
    page.set_viewport_size({"width": 400, "height": 900})
    page.wait_for_function(
        "wide => document.querySelector('[data-testid=bar] canvas')"
        ".getBoundingClientRect().width < wide * 0.7",
        arg=wide,
    )
    narrow = bar.bounding_box()["width"]
    assert narrow <= 400, "the chart fits the phone's width"
    page.screenshot(path=f"{output_path}/charts-phone.png", full_page=True)

    # A chart swapped in by htmx (a filtered statistics panel) is drawn too.
    page.get_by_role("button", name="按单位").click()
    expect(page.get_by_test_id("swapped").locator(".tz-chart canvas")).to_have_count(1)

    violations = page.evaluate("window.cspViolations")
    assert violations == [], violations
    assert [m for m in console if m.startswith(("error", "warning", "pageerror"))] == []
