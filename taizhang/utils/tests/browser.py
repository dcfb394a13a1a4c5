"""Helpers for browser tests of forms whose selects are searchable (Tom Select)."""

from playwright.sync_api import expect


def choose(page, select_id, typed, option=None):
    """Type ``typed`` into the searchable select built on ``#select_id`` and click the option
    reading ``option`` (``typed`` when not given) in its dropdown, as a user would."""
    control = page.locator(f"#{select_id}-ts-control")
    control.click()
    control.press_sequentially(typed)
    choice = page.locator(f"#{select_id}-ts-dropdown .option", has_text=option or typed).first
    expect(choice).to_be_visible()
    choice.click()
    page.keyboard.press("Escape")
