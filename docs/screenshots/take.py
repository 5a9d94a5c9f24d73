"""Screenshots for the README, taken with Chromium from a running `make run`.

    .venv/bin/python docs/screenshots/take.py [http://127.0.0.1:8000]
"""

import sys
from pathlib import Path

from playwright.sync_api import sync_playwright

OUT = Path(__file__).resolve().parent
BASE = sys.argv[1] if len(sys.argv) > 1 else "http://127.0.0.1:8000"
PASSWORD = "primesync-demo"


def log_in(page, email: str) -> None:
    page.goto(f"{BASE}/accounts/login/")
    page.fill("#id_username", email)
    page.fill("#id_password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_load_state()


def main() -> None:
    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path="/usr/bin/chromium", args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
        )
        page = browser.new_page(viewport={"width": 1280, "height": 760})
        page.goto(f"{BASE}/accounts/login/")
        page.screenshot(path=OUT / "login.png")
        log_in(page, "admin@primesync.test")
        page.goto(f"{BASE}/admin/leads/lead/")
        page.screenshot(path=OUT / "admin-leads.png")
        browser.close()


if __name__ == "__main__":
    main()
