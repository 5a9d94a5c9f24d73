"""Screenshots for the README, taken with Chromium from a running `make run`.

    .venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]
"""

import os
import sys
from pathlib import Path

import requests
from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent
ROOT = OUT.parent.parent
sys.path.insert(0, str(ROOT))
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = "primesync-demo"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]


def log_in(page, email: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state("networkidle")


def shot(page, path: str, name: str, *, full_page: bool = False) -> None:
    page.goto(f"{BASE}{path}")
    page.wait_for_load_state("networkidle")
    page.screenshot(path=OUT / f"{name}.png", full_page=full_page)


def forget_vendor_answers() -> None:
    """Empty the running instance's vendor answer cache (Redis of $REDIS_URL, or of the embedded one)."""
    import redis

    from primesync import embedded

    url = os.environ.get("REDIS_URL") or embedded.read_services(ROOT / ".data")["redis_url"]
    client = redis.Redis.from_url(url)
    prefix = os.environ.get("REDIS_KEY_PREFIX", "primesync")
    for key in client.scan_iter(f"{prefix}:enrich:*:*:*", count=1000):
        if b":credits:" not in key:
            client.delete(key)


def enrichment_shots(browser) -> None:
    """A bulk re-enrich caught mid-way (the simulator made slow for it), then the providers page."""
    sim = f"http://127.0.0.1:{int(BASE.rsplit(':', 1)[1].strip('/')) + 765}/_sim/config"
    vendors = ("zoominfo", "apollo", "linkedin", "zerobounce")
    page = browser.new_page(viewport={"width": 1280, "height": 560})
    log_in(page, "manager@acme.test")
    forget_vendor_answers()  # re-enriching within the cache TTL asks no vendor: make them answer again
    requests.post(sim, json={v: {"latency_ms": 2500} for v in vendors}, timeout=5)
    try:
        page.goto(f"{BASE}/leads/")
        page.check("[data-select-all]")
        page.select_option("#bulk-action", "enrich")
        page.click("#bulk-bar button[type=submit]")
        page.wait_for_url("**/enrichment/batches/**")
        page.wait_for_selector("[data-running]:not([data-running='0'])", timeout=60_000)
        page.screenshot(path=OUT / "enrichment-batch.png")
        page.wait_for_selector("[data-finished]", timeout=120_000)
    finally:
        requests.post(sim, json={v: {"latency_ms": 0} for v in vendors}, timeout=5)
    shot(page, "/enrichment/providers/", "providers")


def quality_shots(browser) -> None:
    """/quality/ as a manager sees it, and a lead whose score says what to fix (a mistyped address)."""
    page = browser.new_page(viewport={"width": 1280, "height": 1000})
    log_in(page, "manager@acme.test")
    shot(page, "/quality/", "quality")
    page.goto(f"{BASE}/leads/?q=gmial")
    page.locator("#lead-rows a").first.click()
    page.locator("#enrichment-panel [data-did-you-mean]").wait_for()
    page.locator(".record-side").screenshot(path=OUT / "lead-quality.png")


def dashboard_and_data_shots(browser) -> None:
    """The manager's dashboard, a duplicate pair side by side, and the import wizard's preview."""
    page = browser.new_page(viewport={"width": 1280, "height": 1500})
    log_in(page, "manager@acme.test")
    shot(page, "/dashboard/", "dashboard")
    page.set_viewport_size({"width": 1280, "height": 900})
    page.goto(f"{BASE}/duplicates/")
    page.locator("a[href^='/duplicates/']").filter(has_text="Compare").first.click()
    page.screenshot(path=OUT / "duplicate-compare.png")
    lines = ["First Name,Last Name,E-mail,Mobile,Company Name,Job Title"]
    lines += [f"Visitor,Number{i},visitor{i}@expo.example,+1 415 555 {i:04d},Expo Corp,Buyer" for i in range(40)]
    lines[4] = "Broken,Row,not-an-email,+1 415 555 9999,Expo Corp,Buyer"
    page.goto(f"{BASE}/imports/new/")
    page.set_input_files("#id_file", files=[{"name": "trade-show.csv", "mimeType": "text/csv",
                                             "buffer": ("\n".join(lines) + "\n").encode()}])
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/imports/new/*/")
    page.locator("#preview-rows tbody tr").first.wait_for()
    page.screenshot(path=OUT / "import-preview.png", full_page=True)


def settings_and_offline_shots(browser) -> None:
    """The API tokens page with a new token's key shown once, and the lead form holding leads offline."""
    page = browser.new_page(viewport={"width": 1280, "height": 760})
    log_in(page, "rep2@acme.test")
    page.goto(f"{BASE}/settings/api-tokens/")
    page.fill("#id_name", "Reporting script")
    page.click("text=Create token")
    page.wait_for_selector("[data-copy]")
    page.screenshot(path=OUT / "api-tokens.png")
    context = browser.new_context(viewport={"width": 1280, "height": 800})
    page = context.new_page()
    log_in(page, "rep2@acme.test")
    page.goto(f"{BASE}/leads/new/")
    queue = page.locator("#offline-queue")
    page.wait_for_selector("#offline-queue[data-offline-ready=true]", state="attached")
    context.set_offline(True)
    for n, (first, last) in enumerate([("Mia", "Hartmann"), ("Noah", "Lindqvist"), ("Zoe", "Okonkwo")], 1):
        page.fill("#id_first_name", first)
        page.fill("#id_last_name", last)
        page.fill("#id_email", f"{first}.{last}@expo.example".lower())
        page.click("text=Create lead")
        page.wait_for_selector(f"#offline-queue[data-pending='{n}']", state="attached")
    queue.scroll_into_view_if_needed()
    page.screenshot(path=OUT / "offline-form.png")
    context.set_offline(False)  # the queued leads go out
    page.wait_for_selector("#offline-queue[data-pending='0']", state="attached", timeout=30_000)
    context.close()


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path="/usr/bin/chromium", args=ARGS)
        page = browser.new_page(viewport={"width": 1280, "height": 800})
        shot(page, "/accounts/login/", "login")
        log_in(page, "rep1@acme.test")
        shot(page, "/my-day/", "my-day")
        shot(page, "/leads/", "leads")
        first_lead = page.locator("#lead-rows a").first.get_attribute("href")
        shot(page, first_lead, "lead")
        shot(page, "/pipeline/", "pipeline")
        first_deal = page.locator(".deal-card .deal-name").first.get_attribute("href")
        shot(page, first_deal, "deal")
        page.goto(f"{BASE}{first_lead}")
        panel = page.locator("#enrichment-panel")
        panel.locator("[data-enrichment-status]").wait_for()
        panel.screenshot(path=OUT / "lead-enrichment.png")
        # a new lead with the e-mail of one that exists shows the duplicate warning
        page.goto(f"{BASE}/leads/?sort=name")
        email = page.locator("#lead-rows tr").first.locator("td").nth(3).locator("div").first.inner_text()
        page.goto(f"{BASE}/leads/new/")
        page.fill("#id_first_name", "Sam")
        page.fill("#id_email", email)
        page.locator("#id_email").blur()
        page.wait_for_selector("[data-duplicates]")
        page.screenshot(path=OUT / "new-lead-duplicate.png")
        phone = browser.new_page(viewport={"width": 390, "height": 800}, is_mobile=True)
        log_in(phone, "rep1@acme.test")
        shot(phone, "/leads/", "leads-phone")
        enrichment_shots(browser)
        quality_shots(browser)
        dashboard_and_data_shots(browser)
        settings_and_offline_shots(browser)
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        log_in(page, "admin@primesync.test")
        shot(page, "/admin/leads/lead/", "admin-leads")
        browser.close()


if __name__ == "__main__":
    main()
