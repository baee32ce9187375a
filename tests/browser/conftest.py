"""Browser tests: Playwright driving Debian's Chromium against pytest-django's live server.

Skipped when /usr/bin/chromium is missing; never downloads a browser. Screenshots go to
test-artifacts/ (git-ignored) for people to look at.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
        "--disable-sync", "--no-first-run"]
DESKTOP = {"width": 1366, "height": 900}


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = Path(__file__).parent
    for item in items:
        if Path(str(item.fspath)).is_relative_to(here):
            item.add_marker(pytest.mark.browser)
            if not CHROMIUM.exists():
                item.add_marker(pytest.mark.skip(reason="needs Debian's Chromium at /usr/bin/chromium"))


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    # Playwright's sync API keeps an event loop on this thread; Django's database calls from the
    # test body (fixtures, flushes) are still synchronous, so its async-safety guard stands down.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    ARTIFACTS.mkdir(exist_ok=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        yield chromium
        chromium.close()


class Session:
    """A signed-in browser page that records console errors."""

    def __init__(self, browser: Any, base: str, viewport: dict[str, int], **options: Any) -> None:
        self.base = base
        self.context = browser.new_context(viewport=viewport, locale="zh-CN", **options)
        self.context.set_default_timeout(15000)
        self.page = self.context.new_page()
        self.errors: list[str] = []
        self.page.on("console", lambda m: self.errors.append(m.text) if m.type == "error" else None)
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))

    def sign_in(self, username: str, password: str) -> Session:
        self.page.goto(self.base + "/login/")
        self.page.fill("input[name=username]", username)
        self.page.fill("input[name=password]", password)
        self.page.click("main button[type=submit]")
        self.page.wait_for_load_state("networkidle")
        return self

    def open(self, path: str) -> Any:
        response = self.page.goto(self.base + path)
        self.page.wait_for_load_state("networkidle")
        return response

    def charts_drawn(self) -> int:
        """Wait until every chart on the page has its canvas; returns how many there are."""
        self.page.wait_for_function(
            "Array.from(document.querySelectorAll('[data-chart-url]')).every(el => el.querySelector('canvas'))")
        return int(self.page.locator("[data-chart-url]").count())

    def shot(self, name: str, full_page: bool = False) -> Path:
        path = ARTIFACTS / name
        self.page.screenshot(path=str(path), full_page=full_page)
        return path

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def open_session(browser: Any, live_server: Any) -> Iterator[Any]:
    sessions: list[Session] = []

    def make(username: str | None = None, viewport: dict[str, int] | None = None, **options: Any) -> Session:
        from tests.conftest import PASSWORD

        session = Session(browser, live_server.url, viewport or DESKTOP, **options)
        sessions.append(session)
        return session.sign_in(username, PASSWORD) if username else session

    yield make
    for session in sessions:
        session.close()
