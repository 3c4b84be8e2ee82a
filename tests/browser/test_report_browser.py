"""The HTML report in a real headless Chromium: loads cleanly, sorts, filters, expands, renders.

Needs the system's Chromium (Debian: ``apt-get install -y chromium``) and Playwright's Python
package (``pip install playwright``); Playwright's own browser download is never used. The
tests skip with a message where either is missing.
"""

from __future__ import annotations

import io
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from netinfluence.datasets import load_sample
from netinfluence.pipeline import analyze
from netinfluence.report import write_html_report

pytestmark = pytest.mark.slow  # a real browser: seconds per test, run by the full suite

sync_api = pytest.importorskip(
    "playwright.sync_api",
    reason="Playwright's Python package is not installed "
    "(pip install playwright); the browser tests need it",
)

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def _chromium() -> str | None:
    for candidate in (
        os.environ.get("NETINFLUENCE_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).is_file():
            return candidate
    return None


@pytest.fixture(scope="module")
def report_file(tmp_path_factory) -> Path:
    analysis = analyze(load_sample(n_accounts=800, n_communities=5), seed=0)
    path = tmp_path_factory.mktemp("report") / "report.html"
    return write_html_report(analysis, path, top=300, title="Browser test report")


@pytest.fixture(scope="module")
def browser():
    exe = _chromium()
    if exe is None:
        pytest.skip(
            "Chromium not found (/usr/bin/chromium); install it with "
            "`apt-get install -y chromium` to run the browser tests"
        )
    with sync_api.sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=exe, args=CHROMIUM_ARGS)
        try:
            yield b
        finally:
            b.close()


@pytest.fixture
def page(browser, report_file):
    context = browser.new_context(viewport={"width": 1366, "height": 900})
    pg = context.new_page()
    problems: list[str] = []
    requests: list[str] = []
    pg.on(
        "console",
        lambda m: (
            problems.append(f"console {m.type}: {m.text}")
            if m.type in ("error", "warning")
            else None
        ),
    )
    pg.on("pageerror", lambda e: problems.append(f"page error: {e}"))
    pg.on("request", lambda r: requests.append(r.url))
    pg.goto(report_file.as_uri(), wait_until="load")
    pg.problems = problems
    pg.requests = requests
    yield pg
    context.close()


def column(pg, index: int, attr: str = "data-v") -> list[str]:
    """The values of one column over the visible candidate rows, top to bottom."""
    return pg.eval_on_selector_all(
        "#candidates-table tbody.cand:not([hidden]) tr.row",
        f"rows => rows.map(r => r.cells[{index}].getAttribute('{attr}'))",
    )


def visible_rows(pg) -> int:
    return pg.eval_on_selector_all(
        "#candidates-table tbody.cand:not([hidden])", "bodies => bodies.length"
    )


def test_page_loads_without_console_errors_or_network(page):
    assert page.title() == "Browser test report"
    assert page.locator("#candidates-table tbody.cand").count() == 300
    # every image decoded (naturalWidth > 0) without fetching anything
    widths = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.naturalWidth)")
    figures = page.eval_on_selector_all("img", "imgs => imgs.map(i => i.dataset.figure)")
    # the six figures of report_figures without a plan, each once
    assert len(figures) == len(set(figures)) == 6 and "impact_breakdown" in figures
    assert min(widths) > 100
    assert page.problems == []
    assert all(u.startswith(("file:", "data:")) for u in page.requests), page.requests


def test_clicking_a_header_sorts_the_table(page):
    headers = page.locator("#candidates-table thead th")
    followers = [h.strip() for h in headers.all_inner_texts()].index("followers")
    before = [float(v) for v in column(page, followers)]
    assert before != sorted(before)  # ranked by score, not by followers
    headers.nth(followers).click()
    up = [float(v) for v in column(page, followers)]
    assert up == sorted(before)
    assert headers.nth(followers).get_attribute("aria-sort") == "ascending"
    headers.nth(followers).click()
    down = [float(v) for v in column(page, followers)]
    assert down == sorted(before, reverse=True)
    # a text column sorts alphabetically, and the detail rows travel with their rows
    account = [h.strip() for h in headers.all_inner_texts()].index("account")
    before = column(page, account)
    headers.nth(account).click()
    names = column(page, account)
    assert names != before and sorted(names) == sorted(before)
    in_order = page.evaluate(  # the browser's own collation (accents sort with their letter)
        "n => n.every((x, i) => i === 0 || n[i - 1].localeCompare(x) <= 0)", names
    )
    assert in_order
    pairs = page.eval_on_selector_all(
        "#candidates-table tbody.cand",
        "bs => bs.map(b => b.rows.length === 2 && b.rows[1].classList.contains('detail'))",
    )
    assert all(pairs)
    assert page.problems == []


def test_filter_narrows_the_rows(page):
    assert visible_rows(page) == 300
    first_handle = (
        page.locator("#candidates-table tbody.cand tr.row")
        .first.locator("td")
        .nth(1)
        .inner_text()
        .strip()
    )
    page.fill("#filter", first_handle)
    n = visible_rows(page)
    assert 1 <= n < 300
    handles = column(page, 1)
    assert all(first_handle.lower() in h for h in handles)
    assert page.inner_text("#count").startswith(f"{n} of 300")
    page.fill("#filter", "no such account anywhere")
    assert visible_rows(page) == 0
    page.fill("#filter", "")
    assert visible_rows(page) == 300
    page.select_option("#tier-filter", "micro")
    tiers = column(page, 5)
    assert 0 < len(tiers) < 300 and set(tiers) == {"micro"}
    page.select_option("#tier-filter", "")
    page.check("#hide-flagged")
    flags = column(page, 9)
    assert 0 < len(flags) < 300 and set(flags) == {""}
    assert page.problems == []


def test_clicking_a_row_opens_its_detail(page):
    row = page.locator("#candidates-table tr.row").first
    detail = page.locator("#candidates-table tr.detail").first
    assert not detail.is_visible()
    row.click()
    assert detail.is_visible()
    assert row.get_attribute("aria-expanded") == "true"
    text = detail.inner_text()
    for word in ("Score components", "engaged reach", "community role", "Why"):
        assert word in text
    row.click()
    assert not detail.is_visible()


def test_screenshot_is_not_blank(page, tmp_path):
    import matplotlib.image as mpimg

    page.locator("#candidates").scroll_into_view_if_needed()
    shot = page.screenshot(full_page=False)
    (tmp_path / "report.png").write_bytes(shot)
    if os.environ.get("NETINFLUENCE_KEEP_SCREENSHOT"):
        Path(os.environ["NETINFLUENCE_KEEP_SCREENSHOT"]).write_bytes(shot)
    pixels = mpimg.imread(io.BytesIO(shot), format="png")[..., :3]
    assert pixels.shape[0] >= 800 and pixels.shape[1] >= 1300
    assert pixels.std() > 0.1  # not a flat page
    colours = np.unique((pixels * 255).astype(np.uint8).reshape(-1, 3), axis=0)
    assert len(colours) > 100  # text, plots and table, not a blank or error page
