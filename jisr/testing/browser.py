"""Browser-test fixtures: Debian's Chromium driven by Playwright, with no internet.

Every request to a host other than 127.0.0.1/localhost is aborted and listed in
``page.blocked``, so a test proves a page works offline (no CDN, no tiles, no fonts from
outside) simply by asserting that list is empty.
"""

from __future__ import annotations

import base64
import os
from urllib.parse import urlparse

import pytest

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1"}
CHROMIUM_FLAGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--disable-dev-shm-usage"]


@pytest.fixture(scope="session")
def chromium():
    path = os.environ.get("JISR_CHROMIUM", "/usr/bin/chromium")
    if not os.path.exists(path):
        pytest.skip(f"no Chromium at {path}")
    # Playwright's sync API runs an event loop in this thread; the tests still talk to the
    # database synchronously between page actions, which is safe here.
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = "true"
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


@pytest.fixture
def live_url(live_server, transactional_db) -> str:
    return live_server.url.replace("localhost", "127.0.0.1")


@pytest.fixture
def browser_page(chromium, live_url):
    context = chromium.new_context(viewport={"width": 1280, "height": 800})
    blocked: list[str] = []

    def only_local(route):
        if urlparse(route.request.url).hostname in LOCAL_HOSTS or route.request.url.startswith(
                ("data:", "blob:")):
            route.continue_()
        else:
            blocked.append(route.request.url)
            route.abort()

    context.route("**/*", only_local)
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.blocked = blocked
    yield page
    context.close()


def totp_now(secret_base32: str) -> str:
    from django_otp.oath import totp

    return f"{totp(base64.b32decode(secret_base32)):06d}"


def browser_login(page, live_url: str, username: str, password: str) -> None:
    """Log in through the real pages, enrolling or entering the second factor if asked."""
    from jisr.accounts.models import User
    from jisr.testing.personas import current_code

    page.goto(f"{live_url}/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("form button[type=submit].button-primary")
    page.wait_for_load_state()
    if "/accounts/two-factor/" in page.url:
        secret = page.locator("[data-testid=otp-secret]")
        if secret.count():
            code = totp_now(secret.inner_text().strip())
        else:
            from django_otp.plugins.otp_totp.models import TOTPDevice

            device = TOTPDevice.objects.get(user=User.objects.get(username=username),
                                            confirmed=True)
            code = current_code(device)
        page.fill("input[name=token]", code)
        page.click("form button[type=submit].button-primary")
        page.wait_for_load_state()


def log_in_as(page, live_url: str, username: str, language: str,
              password: str | None = None) -> None:
    """A fresh session in ``language``: choose it on the login page, then log in as the
    persona (with the shared world's password unless another is given)."""
    from jisr.testing.personas import PASSWORD

    page.context.clear_cookies()
    page.goto(f"{live_url}/accounts/login/")
    page.select_option("#language-select", language)
    page.click(".langswitch button")
    page.wait_for_load_state()
    browser_login(page, live_url, username, password or PASSWORD)
