"""Browser fixtures: the test app served on a real loopback port, one Debian chromium for the
whole test session (through Playwright), and phone/tablet pages in fresh contexts."""

from __future__ import annotations

import os
from collections.abc import Iterator

import pytest
from flask import Flask

from .browsing import LiveServer

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
    "--disable-background-networking", "--disable-component-update", "--disable-sync",
]
PHONE = {"viewport": {"width": 360, "height": 740}, "is_mobile": True, "has_touch": True,
         "device_scale_factor": 2}
TABLET = {"viewport": {"width": 768, "height": 1024}, "is_mobile": True, "has_touch": True}


@pytest.fixture
def live_server(app: Flask) -> Iterator[str]:
    """The ``app`` fixture's app (same database) served over HTTP; yields its base URL."""
    with LiveServer(app) as url:
        yield url


@pytest.fixture(scope="session")
def browser():
    if not os.path.exists(CHROMIUM):
        message = "Debian chromium is not installed (apt-get install chromium)"
        if os.environ.get("REVIEWKIT_REQUIRE_BROWSER") == "1":
            pytest.fail(message + ", and REVIEWKIT_REQUIRE_BROWSER=1 requires it")
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


class Contexts:
    """New browser contexts (each with fresh cookies), all closed after the test."""

    def __init__(self, browser):
        self.browser = browser
        self.opened = []

    def new(self, **options):
        options.setdefault("locale", "en-GB")
        context = self.browser.new_context(**options)
        # Generous: CI runs the SQLite and PostgreSQL suites side by side on two cores, and a
        # PDF download took over 10 s there. Waits end as soon as the page is ready.
        context.set_default_timeout(30_000)
        self.opened.append(context)
        return context

    def page(self, **options):
        return self.new(**options).new_page()

    def close(self):
        for context in self.opened:
            context.close()


@pytest.fixture
def contexts(browser) -> Iterator[Contexts]:
    made = Contexts(browser)
    yield made
    made.close()


@pytest.fixture
def phone(contexts):
    """A page in a new 360×740 touch-screen phone context."""
    return contexts.page(**PHONE)


@pytest.fixture
def phone_nojs(contexts):
    """The same phone with JavaScript turned off."""
    return contexts.page(**PHONE, java_script_enabled=False)


@pytest.fixture
def tablet(contexts):
    """A page in a new 768×1024 tablet context."""
    return contexts.page(**TABLET)
