"""Screenshots for the README, taken with Chromium from a running `make run`.

    .venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent
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
        page.goto(f"{BASE}/leads/new/")
        existing = page.locator("body")  # fill with a lead that exists to show the duplicate warning
        page.goto(f"{BASE}/leads/?sort=name")
        email = page.locator("#lead-rows tr").first.locator("td").nth(3).locator("div").first.inner_text()
        page.goto(f"{BASE}/leads/new/")
        page.fill("#id_first_name", "Sam")
        page.fill("#id_email", email)
        page.locator("#id_email").blur()
        page.wait_for_selector("[data-duplicates]")
        page.screenshot(path=OUT / "new-lead-duplicate.png")
        del existing
        phone = browser.new_page(viewport={"width": 390, "height": 800}, is_mobile=True)
        log_in(phone, "rep1@acme.test")
        shot(phone, "/leads/", "leads-phone")
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        log_in(page, "admin@primesync.test")
        shot(page, "/admin/leads/lead/", "admin-leads")
        browser.close()


if __name__ == "__main__":
    main()
