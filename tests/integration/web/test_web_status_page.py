"""Issue 14, the status page in a real browser (headless chromium) against the real stack:
private pcscd, two eport-vcard cards (one healthy with a certificate expiring in 20 days, one
with its PIN blocked by yubico-piv-tool), eportd with `web:` on. Asserts on the rendered DOM in
English and Chinese, pulls a card and sees the page change without a reload, and saves
screenshots into the build directory for a person to look at."""

import os

import pytest

import cards_support as cs
import web_support as ws
from browser import Chromium
from harness.piv_tools import PivTools

HEALTHY = 14000101
BLOCKED = 14000102


@pytest.fixture(scope="module")
def stack(pcsc, tmp_path_factory):
    daemon, port = ws.web_daemon(pcsc)
    healthy = pcsc.card("healthy", serial=HEALTHY, certs=["9a:rsa2048:3650", "9c:p256:20"])
    blocked = pcsc.card("blocked", serial=BLOCKED, certs=["9a:p256:3650"])
    cs.block_pin_with_ykpiv(PivTools(pcsc, blocked, str(tmp_path_factory.mktemp("tools"))))
    tokens = {serial: cs.wait_token(daemon, card)["id"]
              for serial, card in ((HEALTHY, healthy), (BLOCKED, blocked))}
    yield daemon, port, healthy, tokens
    daemon.stop()


def shot(browser, name):
    path = os.path.join(os.environ.get("EPORT_BUILD_DIR", "."), f"web-status-{name}.png")
    browser.screenshot(path)
    assert os.path.getsize(path) > 10000, path


def text_of(browser, selector):
    return browser.eval(f"[...document.querySelectorAll({selector!r})].map(e => e.textContent)")


def page_ready(browser, count):
    """Waits until the page shows `count` cards and returns their texts."""
    return browser.wait_for(f"{count} cards on the page",
                            f"document.querySelectorAll('article.card').length === {count} && "
                            "[...document.querySelectorAll('article.card')].map(e => e.innerText)")


def test_page_shows_cards_tries_lock_and_days_left_in_english(stack):
    daemon, port, healthy, tokens = stack
    expected = cs.status(daemon, tokens[HEALTHY])
    with Chromium(lang="en-US") as browser:
        browser.goto(ws.own_origin(port) + "/")
        page_ready(browser, 2)
        healthy_text = browser.eval(f"document.querySelector('[data-token=\"{tokens[HEALTHY]}\"]').innerText")
        blocked_text = browser.eval(f"document.querySelector('[data-token=\"{tokens[BLOCKED]}\"]').innerText")
        pin = expected["pin"]
        assert f"{pin['tries_left']} of {pin['max_tries']} tries left" in healthy_text
        assert expected["token"]["serial"] in healthy_text
        for cert in expected["certificates"]:
            assert f"{cert['days_left']} days" in healthy_text, (cert, healthy_text)
        assert "expiring soon" in healthy_text and "valid" in healthy_text
        assert "Locked" in blocked_text and "service site" in blocked_text
        assert browser.eval("document.querySelector('[data-token] .locked-label') !== null")
        assert browser.eval("document.querySelector('#tokens article.locked').dataset.token") == tokens[BLOCKED]
        assert "To unlock a card, bring:" in browser.eval("document.body.innerText")
        shot(browser, "en")


def test_page_is_chinese_under_zh_cn_and_updates_live_when_a_card_is_pulled(stack):
    daemon, port, healthy, tokens = stack
    with Chromium(lang="zh-CN") as browser:
        browser.goto(ws.own_origin(port) + "/")
        page_ready(browser, 2)
        body = browser.eval("document.body.innerText")
        assert "您的卡" in body and "已锁定" in body and "还可尝试 3 次" in body and "即将到期" in body
        assert "解锁需携带" in body  # the guidance, in Chinese
        assert browser.eval("document.documentElement.lang") == "zh-CN"
        shot(browser, "zh")
        browser.eval("window.loadedOnce = 'yes'")  # gone if the page reloaded
        healthy.remove()
        page_ready(browser, 1)
        assert browser.eval("window.loadedOnce") == "yes"
        assert browser.eval(f"document.querySelector('[data-token=\"{tokens[HEALTHY]}\"]')") is None
        assert "未插卡" in browser.eval("document.getElementById('readers').innerText")
        healthy.insert()
        page_ready(browser, 2)
        # the switch to English works without a reload too
        browser.eval("document.getElementById('lang').click()")
        assert "Your cards" in browser.wait_for("English", "document.querySelector('h1').textContent")
    cs.wait_token(daemon, healthy)


def test_page_headers_forbid_external_resources(stack):
    daemon, port, healthy, tokens = stack
    status, headers, body = ws.http_get(port, "/")
    assert status == 200 and b"<script src=\"/app.js\"" in body
    csp = headers["Content-Security-Policy"]
    assert "default-src 'none'" in csp and "script-src 'self'" in csp and "connect-src 'self'" in csp
    assert headers["X-Frame-Options"] == "DENY"
    for name in ("app.js", "style.css", "index.html"):
        status, _, text = ws.http_get(port, f"/{name}")
        assert status == 200
        assert b"http://" not in text.replace(b"http://127.0.0.1", b"") and b"https://" not in text, name
    assert ws.http_get(port, "/nothing.js")[0] == 404
    assert ws.http_get(port, "/", method="POST")[0] == 405
