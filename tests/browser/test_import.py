"""The import wizard in real Chromium: upload, guessed mapping, live preview, the run's progress bar, the outcome."""

import pytest
from playwright.sync_api import expect

from leads.models import EnrichmentRequest, Lead, LeadImport
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD, LeadFactory
from tests.workers import wait_until

pytestmark = pytest.mark.browser


def trade_show_file(rows: int) -> bytes:
    lines = ["First Name,Last Name,E-mail,Mobile,Company Name,Job Title,Notes"]
    for i in range(rows):
        email = f"visitor{i}@expo.example" if i % 25 else f"visitor{i}-at-expo"  # every 25th address is broken
        lines.append(f"Visitor,Number{i},{email},+1 415 555 {i:04d},Expo Corp,Buyer,met at booth")
    lines.append("Known,Person,known@expo.example,,Expo Corp,CTO,already a lead")
    return ("\n".join(lines) + "\n").encode()


def test_the_wizard_maps_previews_and_imports_with_a_live_progress_bar(page, relay, celery_worker_thread, simulator,
                                                                       settings):
    settings.IMPORT_CHUNK_ROWS = 20  # the worker (in this process) commits and reports every 20 rows
    acme = make_team("acme")
    known = LeadFactory(team=acme.team, first_name="Known", last_name="Person", email="known@expo.example", title="")

    def enriched():
        with tenancy.use_team(acme.team):
            return EnrichmentRequest.objects.filter(lead=known, status__in=["done", "failed"]).exists()

    wait_until(enriched, timeout=60, message="the known lead's enrichment")
    with tenancy.use_team(acme.team):
        Lead.objects.filter(pk=known.pk).update(title="")  # the field the import will fill in
    log_in(page, acme.manager.email, PASSWORD)
    page.goto("/leads/")
    page.get_by_role("link", name="Import CSV").click()

    page.set_input_files("#id_file", files=[{"name": "trade-show.csv", "mimeType": "text/csv",
                                             "buffer": trade_show_file(120)}])
    page.get_by_role("button", name="Upload and map columns").click()
    page.wait_for_url("**/imports/new/*/")
    expect(page.locator("#file-facts")).to_contain_text("121 rows · UTF-8 · comma-separated")
    expect(page.get_by_label("Import E-mail as")).to_have_value("email")  # guessed from the header
    expect(page.get_by_label("Import Mobile as")).to_have_value("phone")
    expect(page.get_by_label("Import Notes as")).to_have_value("")

    preview = page.locator("#preview-rows")
    expect(preview.locator("tbody tr")).to_have_count(10)
    expect(preview.locator('tr[data-line="2"]')).to_contain_text("email “visitor0-at-expo” is not a valid address")
    expect(preview.locator('tr[data-line="3"]')).to_contain_text("+14155550001")
    page.get_by_label("Import Job Title as").select_option("")  # the preview follows the mapping
    expect(preview.locator('tr[data-line="3"]')).not_to_contain_text("Buyer")
    page.get_by_label("Import Job Title as").select_option("title")
    expect(preview.locator('tr[data-line="3"]')).to_contain_text("Buyer")
    page.get_by_label("Fill in their empty fields").check()

    page.get_by_role("button", name="Import 121 rows").click()
    page.wait_for_url("**/imports/*/")
    bar = page.locator("#import-bar")
    first = int(bar.get_attribute("value"))
    expect(page.locator("[data-finished]")).to_be_visible(timeout=60_000)
    assert first < 121 and int(bar.get_attribute("value")) == int(bar.get_attribute("max")) == 121  # moved by itself
    outcome = page.locator("#import-outcome")
    expect(outcome).to_have_text("115 created, 1 updated, 0 duplicates skipped, 5 rows rejected (download them).")
    expect(page.locator("#import-errors tbody tr")).to_have_count(5)
    expect(page.locator("#import-errors")).to_contain_text("email “visitor25-at-expo” is not a valid address")

    with page.expect_download() as download:
        page.locator("#download-errors").click()
    assert download.value.suggested_filename.endswith("-rejected-rows.csv")
    content = download.value.path().read_text(encoding="utf-8-sig")
    assert content.splitlines()[1].startswith("2,email “visitor0-at-expo” is not a valid address,Visitor,Number0")

    with tenancy.use_team(acme.team):
        assert Lead.objects.filter(source="import").count() == 115
        assert Lead.objects.get(pk=known.pk).title == "CTO"  # its empty field, filled in
        assert LeadImport.objects.get().created_by == acme.manager
