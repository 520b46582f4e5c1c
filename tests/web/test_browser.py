"""End to end in Debian's chromium, driven by Playwright: what a person does, on a real server.

Screenshots of every main page at 1280 px and at phone width (390 px) go to
``artifacts/screenshots/``. Every request the browser makes is recorded, and a test fails if
any leaves the app's own loopback address.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from pathlib import Path

import pytest

playwright_sync = pytest.importorskip("playwright.sync_api")

from playwright.sync_api import BrowserContext, Page, ViewportSize, expect  # noqa: E402

from tests.web.conftest import DEMO_PASSWORD  # noqa: E402

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
SCREENSHOTS = Path(__file__).resolve().parents[2] / "artifacts" / "screenshots"
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
DESKTOP: ViewportSize = {"width": 1280, "height": 900}
PHONE: ViewportSize = {"width": 390, "height": 844}


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[BrowserContext]:
    """Debian's chromium (never a downloaded browser) with a fresh, empty user-data-dir."""
    if not CHROMIUM.exists():
        pytest.skip("Debian's chromium is not installed; run scripts/setup --test")
    profile = tmp_path_factory.mktemp("chromium-profile")
    with playwright_sync.sync_playwright() as p:
        context = p.chromium.launch_persistent_context(
            str(profile), executable_path=str(CHROMIUM), args=CHROMIUM_ARGS, headless=True, viewport=DESKTOP
        )
        yield context
        context.close()


@pytest.fixture
def page(browser: BrowserContext, live_server: str) -> Iterator[Page]:
    """A fresh page, signed out, whose every request is checked to stay on the app's own address."""
    browser.clear_cookies()
    page = browser.new_page()
    requested: list[str] = []
    page.on("request", lambda request: requested.append(request.url))
    yield page
    page.close()
    outside = [url for url in requested if not url.startswith((live_server, "data:", "blob:"))]
    assert not outside, f"the browser contacted other hosts: {outside}"


def sign_in(page: Page, base: str, username: str) -> None:
    """Through the real sign-in page, as a demo user with the password scripts/run gives them."""
    page.goto(f"{base}/incidents")
    expect(page).to_have_url(re.compile(r"/login\?next="))
    page.get_by_label("User name").fill(username)
    page.get_by_label("Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_role("button", name="Sign out")).to_be_visible()


def shoot(page: Page, name: str) -> None:
    """Screenshots at desktop and phone width."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.set_viewport_size(DESKTOP)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-1280.png"), full_page=True)
    page.set_viewport_size(PHONE)
    page.screenshot(path=str(SCREENSHOTS / f"{name}-390.png"), full_page=True)
    page.set_viewport_size(DESKTOP)


def test_sign_in_then_filter_and_sort_the_list(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "demo-analyst")
    expect(page).to_have_url(f"{live_server}/incidents")
    expect(page.get_by_role("heading", name="Incidents", level=1)).to_be_visible()
    everything = page.locator(".result-count").inner_text()
    shoot(page, "incidents-list")
    page.keyboard.press("Tab")  # keyboard users land on the skip link first
    expect(page.locator(".skip-link")).to_be_focused()

    page.get_by_label("CPP").check()  # htmx refreshes the results without a page load
    expect(page.locator(".result-count")).not_to_have_text(everything)
    expect(page).to_have_url(re.compile(r"topic=cpp"))
    rows = page.locator("table.incidents tbody tr")
    assert rows.count() > 0
    for index in range(rows.count()):
        expect(rows.nth(index).locator(".tag-cpp")).to_have_count(1)

    page.get_by_role("link", name=re.compile(r"^Killed")).click()
    expect(page).to_have_url(re.compile(r"sort=-killed"))
    page.get_by_label("Search").fill("looting")
    expect(page.locator("table.incidents tbody tr").first).to_contain_text("Looting")


def test_open_an_incident(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "demo-analyst")
    first = page.locator("table.incidents tbody tr td.code a").first
    code = first.inner_text()
    first.click()
    expect(page).to_have_url(f"{live_server}/incidents/{code}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(code)
    for section in (
        "Summary",
        "Assessment and determination",
        "Casualties",
        "History",
        "Possible duplicates",
    ):
        expect(page.get_by_role("heading", name=re.compile(section))).to_be_visible()
    expect(page.locator(".map .incident-marker")).to_have_count(1)  # the newest demo incidents are normal
    page.wait_for_load_state("networkidle")
    shoot(page, "incident-detail")


def test_staff_not_cleared_see_pseudonyms_not_names_of_restricted_people(
    page: Page, live_server: str
) -> None:
    sign_in(page, live_server, "demo-approver")  # staff, not cleared, no grant
    page.goto(f"{live_server}/incidents?q=Sexual+violence")
    page.locator("table.incidents tbody tr td.code a").first.click()
    people = page.locator("table", has=page.locator("caption", has_text="People harmed"))
    expect(people).to_contain_text("withheld")
    expect(people).not_to_contain_text("al-")  # demo family names never reach the page
    expect(page.get_by_role("note")).to_contain_text("withheld from you")  # the description too


def test_submit_a_report_and_see_the_duplicate_warning(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "demo-analyst")
    page.goto(f"{live_server}/api/v1/incidents?per_page=20&sort=-date")
    # an incident whose place the analyst may see (restricted ones are withheld from them)
    known = page.evaluate("() => JSON.parse(document.body.innerText).items.find(i => i.latitude != null)")
    page.goto(f"{live_server}/reports/new")
    expect(page.locator("#duplicates")).to_contain_text("Enter a date and a place")
    page.get_by_label("Source type").select_option("ngo")
    page.get_by_label("Source name").fill("Field Protection Network (test)")
    page.get_by_label("Date of the event").fill(known["date_start"])
    page.get_by_label("Latitude").fill(str(known["latitude"] + 0.01))
    page.get_by_label("Longitude").fill(str(known["longitude"]))
    page.get_by_label("Longitude").blur()
    warning = page.locator(".duplicate-warning")
    expect(warning).to_contain_text("Possible duplicate of")
    expect(warning).to_contain_text(known["code"])
    shoot(page, "report-intake")
    page.get_by_label("PoC").check()
    page.get_by_label("Killed, at least").fill("2")
    page.get_by_label("Killed, at most").fill("3")
    page.get_by_label("What the source says").fill("Two or three people killed when the market was shelled.")
    page.get_by_role("button", name="Submit report").click()
    expect(page).to_have_url(re.compile(r"/reports/\d+$"))
    expect(page.get_by_role("status")).to_contain_text("awaits triage")


def test_an_intake_user_files_a_report_and_a_partner_reads_only_releases(
    page: Page, live_server: str
) -> None:
    sign_in(page, live_server, "demo-intake")
    page.goto(f"{live_server}/reports/new")
    page.get_by_label("Source name").fill("Camp committee (test)")
    page.get_by_label("Date of the event").fill("2026-01-05")
    page.get_by_label("Place name").fill("Al Mayadin")
    page.get_by_role("button", name="Submit report").click()
    expect(page.get_by_role("status")).to_contain_text("awaits triage")
    page.goto(f"{live_server}/incidents")
    expect(page.locator(".empty")).to_contain_text("No incidents")  # nothing is granted to them
    page.get_by_role("button", name="Sign out").click()
    sign_in(page, live_server, "demo-partner")
    expect(page.get_by_role("link", name="New report")).to_have_count(0)  # partners only read
    expect(page.get_by_role("link", name="Review")).to_have_count(0)
    expect(page.locator("table.incidents tbody tr").first).to_be_visible()  # what is released to them
    shoot(page, "partner-incidents")


def test_review_queue_and_approving_a_determination(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "demo-approver")
    page.goto(f"{live_server}/review")
    expect(page.get_by_role("heading", name=re.compile("Determinations awaiting approval"))).to_be_visible()
    expect(page.get_by_role("heading", name=re.compile("Reports awaiting triage"))).to_be_visible()
    shoot(page, "review-queue")
    approve = page.get_by_role("button", name="Approve")
    assert approve.count() > 0  # the demo leaves determinations proposed by demo-analyst
    approve.first.click()
    expect(page.get_by_role("status").first).to_contain_text("approved")


def test_dashboard_shows_charts_and_tables(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "demo-analyst")
    page.goto(f"{live_server}/dashboard")
    for name in ("Harm over time by topic", "Harm over time by cause", "By area", "Overdue work"):
        expect(page.get_by_role("heading", name=name)).to_be_visible()
    expect(page.get_by_role("img", name="Incidents per month by topic")).to_be_visible()
    assert page.locator("svg.chart rect").count() > 10
    shoot(page, "dashboard")


def test_map_clusters_incidents_over_offline_outlines(page: Page, live_server: str) -> None:
    sign_in(page, live_server, "demo-analyst")
    fetched: list[str] = []
    page.on("request", lambda request: fetched.append(request.url))
    page.goto(f"{live_server}/map")
    expect(page.locator(".map-status")).to_contain_text("shown")
    expect(page.locator(".marker-cluster").first).to_be_visible()
    page.wait_for_load_state("networkidle")
    outlines = page.locator(".leaflet-outlines-pane path")
    assert outlines.count() > 5  # country outlines, and admin-1 outlines of the countries in view
    assert f"{live_server}/static/web/vendor/world/countries-50m.json" in fetched
    assert f"{live_server}/static/web/vendor/admin1/SYR.json" in fetched  # governorates of the demo area
    shoot(page, "map")
