"""The web workspace in a real browser: Debian's Chromium driven by Selenium, the app served
by waitress on 127.0.0.1, axe-core checking every page visited.

Required in CI (`CI=true`): without Chromium there the tests fail; elsewhere they skip and
say why. Set CASECHECK_SCREENSHOTS=DIR to keep a screenshot of every page checked.
"""

from __future__ import annotations

import base64
import io
import os
import re
import shutil
import threading
from pathlib import Path

import pytest

from compliance.web import WebSettings, create_app
from tests.web_fixtures import AS_OF, PASSWORD, Clock, build_council

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
CHROMEDRIVER = shutil.which("chromedriver") or (
    "/usr/lib/chromium/chromedriver" if Path("/usr/lib/chromium/chromedriver").exists() else None
)

pytestmark = pytest.mark.browser


def _need_browser() -> None:
    if CHROMIUM and CHROMEDRIVER:
        return
    reason = "Chromium and chromedriver are needed (Debian packages chromium, chromium-driver)"
    if os.environ.get("CI", "").lower() in ("true", "1", "yes"):
        pytest.fail(reason + ": required in CI")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    """The app on a SQLite store, served by waitress on a free port of 127.0.0.1."""
    _need_browser()
    import waitress

    store = build_council(str(tmp_path_factory.mktemp("store") / "casecheck.db"))
    app = create_app(WebSettings(store=store, clock=Clock(), as_of=AS_OF, secret_key="browser-test"))
    httpd = waitress.create_server(app, host="127.0.0.1", port=0, threads=4)
    thread = threading.Thread(target=httpd.run, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.effective_port}"
    httpd.close()
    thread.join(timeout=5)


@pytest.fixture
def browser(tmp_path):
    _need_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--disable-dev-shm-usage",
        "--window-size=1280,1000",
        f"--user-data-dir={tmp_path / 'profile'}",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.implicitly_wait(3)
    yield driver
    driver.quit()


def axe_script() -> str | None:
    """The axe-core to run: CASECHECK_AXE_CORE names a current axe.min.js (`.ci/run`
    installs one from npm into a cache outside the repository); else the older one that
    axe-selenium-python bundles."""
    path = os.environ.get("CASECHECK_AXE_CORE")
    if path and not Path(path).is_file():
        pytest.fail(f"CASECHECK_AXE_CORE names no file: {path}")
    return path or None


def check_accessibility(driver, name: str) -> None:
    """axe-core on the current page: no serious or critical violation. A screenshot is kept
    when CASECHECK_SCREENSHOTS names a directory."""
    from axe_selenium_python import Axe

    shots = os.environ.get("CASECHECK_SCREENSHOTS")
    if shots:
        Path(shots).mkdir(parents=True, exist_ok=True)
        driver.save_screenshot(str(Path(shots) / f"{name}.png"))
    script = axe_script()
    axe = Axe(driver, script) if script else Axe(driver)
    axe.inject()
    results = axe.run()
    bad = [v for v in results["violations"] if v.get("impact") in ("serious", "critical")]
    engine = (results.get("testEngine") or {}).get("version", "?")
    assert not bad, f"{name} (axe-core {engine}): " + "; ".join(
        f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in v['nodes'][:3]]}" for v in bad
    )


def wait_for_url(driver, part: str) -> None:
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 10).until(expected_conditions.url_contains(part))


def sign_in(driver, server: str, name: str) -> None:
    from selenium.webdriver.common.by import By

    driver.get(server + "/")
    check_accessibility(driver, "sign-in")
    driver.find_element(By.ID, "name").send_keys(name)
    driver.find_element(By.ID, "password").send_keys(PASSWORD)
    driver.find_element(By.CSS_SELECTOR, "form button[type=submit]").click()
    wait_for_url(driver, "/queue")


def test_a_team_manager_filters_the_queue_opens_an_alert_escalates_it_to_stage_1_and_sees_the_response_date(
    server, browser
):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import Select

    sign_in(browser, server, "tm-north")
    assert browser.find_element(By.TAG_NAME, "h1").text == "Alert queue"
    check_accessibility(browser, "queue")

    browser.find_element(By.CSS_SELECTOR, "details.filters summary").click()
    Select(browser.find_element(By.ID, "f-team")).select_by_visible_text("North")
    Select(browser.find_element(By.ID, "f-kind")).select_by_visible_text("breach")
    browser.find_element(By.CSS_SELECTOR, ".filter-form button[type=submit]").click()
    wait_for_url(browser, "team=North")
    children = {a.text for a in browser.find_elements(By.CSS_SELECTOR, "tbody a[href^='/children/']")}
    assert children and children <= {"C1", "C3"}
    check_accessibility(browser, "queue-filtered")

    browser.find_element(By.CSS_SELECTOR, "tbody a[href^='/alerts/']").click()
    check_accessibility(browser, "alert")
    Select(browser.find_element(By.ID, "to_stage")).select_by_visible_text("Stage 1")
    browser.find_element(By.XPATH, "//form[contains(@action, '/escalate')]//button").click()
    from selenium.webdriver.support import expected_conditions
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(browser, 10).until(
        expected_conditions.presence_of_element_located((By.CSS_SELECTOR, ".banner"))
    )

    # 5 working days from Thu 1 Dec 2022 (the default for DRP stage 1) is Thu 8 Dec 2022.
    assert browser.find_element(By.ID, "stage").text == "Stage 1"
    assert browser.find_element(By.ID, "response-due").text.startswith("Thu 8 Dec 2022")
    assert "Response due Thu 8 Dec 2022" in browser.find_element(By.CSS_SELECTOR, ".banner").text
    check_accessibility(browser, "alert-escalated")


def test_an_iro_opens_a_child_sees_what_is_coming_up_and_prints_a_summary_of_one_to_three_pages(
    server, browser
):
    from pypdf import PdfReader
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.print_page_options import PrintOptions

    sign_in(browser, server, "iro1")
    browser.find_element(By.LINK_TEXT, "Children").click()
    check_accessibility(browser, "children")
    browser.find_element(By.LINK_TEXT, "C1").click()

    coming = browser.find_element(By.ID, "coming-heading").find_element(By.XPATH, "..").text
    assert "Coming up in the next 8 weeks" in coming
    # The first review was held on Mon 10 Oct 2022: the second is due 3 months later.
    assert "LAC-REV-2" in coming and "Tue 10 Jan 2023" in coming
    assert browser.find_elements(By.CSS_SELECTOR, "tr.retracted del")
    check_accessibility(browser, "child")

    browser.find_element(By.LINK_TEXT, "Printable summary").click()
    check_accessibility(browser, "summary")
    options = PrintOptions()
    options.page_width, options.page_height = 21.0, 29.7
    data = base64.b64decode(browser.print_page(options))
    if os.environ.get("CASECHECK_SCREENSHOTS"):
        (Path(os.environ["CASECHECK_SCREENSHOTS"]) / "summary.pdf").write_bytes(data)
    pdf = PdfReader(io.BytesIO(data))

    pages = [page.extract_text() for page in pdf.pages]
    assert 1 <= len(pages) <= 3
    for number, text in enumerate(pages, start=1):
        assert "Child C1" in text
        assert re.search(rf"Page {number} of {len(pages)}", text), text[-200:]
    assert "Coming up in the next 8 weeks" in "".join(pages)


def test_an_auditor_sees_a_child_as_it_was_known_before_a_late_recorded_review(server, browser):
    from selenium.webdriver.common.by import By

    sign_in(browser, server, "auditor")
    browser.find_element(By.LINK_TEXT, "Audit").click()
    check_accessibility(browser, "audit")
    browser.find_element(By.ID, "a-child").send_keys("C1")
    as_of = browser.find_element(By.ID, "a-as-of")
    browser.execute_script("arguments[0].value = '2022-12-01'", as_of)
    browser.find_element(By.ID, "a-known").send_keys("2022-11-01")
    browser.find_element(By.CSS_SELECTOR, "main form button[type=submit]").click()
    wait_for_url(browser, "/audit/children/C1")

    heading = browser.find_element(By.TAG_NAME, "h1").text
    page = browser.find_element(By.TAG_NAME, "main").text
    assert heading == "Child C1 as known at 1 Nov 2022 23:59"
    # The review held on 10 Oct 2022 was recorded on 20 Nov: as known at 1 Nov, LAC-REV-1
    # was overdue; with what was recorded later it was met.
    assert "Recorded after Tue 1 Nov 2022 23:59 (1)" in page
    changed = browser.find_element(
        By.XPATH, "//h2[starts-with(., 'Obligations that read differently')]/following-sibling::table[1]"
    ).text
    assert re.search(
        r"LAC-REV-1 OVERDUE due Tue 11 Oct 2022 MET due Tue 11 Oct 2022", changed.replace("\n", " ")
    )
    check_accessibility(browser, "audit-replay")


def test_reports_and_the_access_log_pass_the_accessibility_check(server, browser):
    from selenium.webdriver.common.by import By

    sign_in(browser, server, "auditor")
    for name, url in (
        ("reports", "/reports"),
        ("report-iha", "/reports/iha?year=2022"),
        ("report-scorecard", "/reports/scorecard?year=2022-23"),
        ("report-iro", "/reports/iro?from=2022-04-01&to=2022-12-01"),
        ("runs", "/audit/runs"),
        ("access-log", "/audit/access-log"),
        ("account", "/account"),
    ):
        browser.get(server + url)
        assert browser.find_element(By.TAG_NAME, "h1").text
        check_accessibility(browser, name)
    chart = browser.execute_script(
        "return fetch('/reports/iha/chart.svg?year=2022').then(r => r.headers.get('content-type'))"
    )
    assert chart.startswith("image/svg+xml")
