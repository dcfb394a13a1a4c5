"""In a real browser the Content-Security-Policy blocks nothing the pages need: the behaviour that
moved out of inline handlers into static files still works."""

import pytest
from playwright.sync_api import expect

from conftest import PASSWORD

pytestmark = [pytest.mark.browser]

RECORD_VIOLATIONS = """
window.cspViolations = [];
document.addEventListener("securitypolicyviolation", (event) => {
  window.cspViolations.push(`${event.violatedDirective} ${event.blockedURI}`);
});
"""


def test_pages_raise_no_csp_violation_and_the_language_menu_works(
    page, live_server, people, make_task, output_path
):
    task = make_task("in_progress", title="建立专门的建言献策台账")
    console = []
    page.on("console", lambda message: console.append(message.text))
    page.add_init_script(RECORD_VIOLATIONS)
    violations = []

    def visit(url):
        response = page.goto(url)
        assert "script-src 'self'" in response.headers["content-security-policy"]
        return response

    def collect():
        violations.extend(page.evaluate("window.cspViolations"))

    visit(f"{live_server.url}/login/")
    page.fill("#id_username", "duban")
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    expect(page.locator(".navbar")).to_contain_text("我的待办")
    collect()

    visit(f"{live_server.url}/tasks/")  # htmx filters the ledger in place
    page.fill("#ledger-filters input[name=q]", "建言")
    page.press("#ledger-filters input[name=q]", "Enter")
    expect(page.get_by_test_id("total")).to_have_text("共 1 项")
    collect()

    for path in ("/tasks/new/", "/tasks/import/", "/documents/", "/units/", "/notifications/"):
        visit(f"{live_server.url}{path}")
        collect()

    visit(f"{live_server.url}{task.get_absolute_url()}")
    page.locator("summary").first.click()  # an action's form opens in place
    form = page.locator("details[open] form")
    # Laid out by the stylesheet: a panel below the buttons, over the page.
    assert form.evaluate("e => getComputedStyle(e).position") == "absolute"
    page.screenshot(path=f"{output_path}/task-under-csp.png", full_page=True)
    expect(page.get_by_test_id("progress")).to_have_text("40%")
    width = page.get_by_test_id("progress").evaluate("e => e.getBoundingClientRect().width")
    track = page.locator(".progress").first.evaluate("e => e.getBoundingClientRect().width")
    assert 0.35 < width / track < 0.45, "the progress bar is drawn 40 % wide by the stylesheet"

    # The language menu has no inline handler any more: choosing submits through taizhang.js.
    page.select_option("select[name=language]", "en")
    expect(page.locator(".navbar")).to_contain_text("My to-do")
    expect(page.get_by_test_id("status")).to_have_text("In progress")
    collect()

    assert violations == []
    assert not [m for m in console if "Content Security Policy" in m], console
