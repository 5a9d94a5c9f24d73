"""Duplicates in real Chromium: review a pair side by side, merge with a value from each, undo from the banner."""

import pytest
from playwright.sync_api import expect

from leads import duplicates
from leads.models import Lead
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD, ActivityFactory

pytestmark = pytest.mark.browser


def two_of_one_person(acme):
    with tenancy.use_team(acme.team):
        older = Lead.objects.create(team=acme.team, first_name="Ana", last_name="Silva", owner=acme.rep,
                                    email="ana@initech.example", title="Analyst", company_name="Initech")
        newer = Lead.objects.create(team=acme.team, first_name="Ana", last_name="Silva", owner=acme.rep,
                                    email="ana.silva@initech.example", phone="+1 415 555 0101",
                                    company_name="Initech, Inc.")
    ActivityFactory(team=acme.team, lead=newer, created_by=acme.rep, subject="Discovery call")
    with tenancy.use_team(acme.team):
        duplicates.scan(team_id=acme.team.pk)
    return older, newer


def test_a_manager_merges_two_leads_then_undoes_it(page, committed):
    acme = make_team("acme")
    older, newer = two_of_one_person(acme)
    log_in(page, acme.manager.email, PASSWORD)
    page.goto("/duplicates/")
    expect(page.locator("#duplicate-count")).to_have_text("1")  # the navigation's count, loaded after the page
    row = page.locator("#pair-rows tr").first
    expect(row).to_contain_text("name 100% at the same company")
    row.get_by_role("link", name="Compare").click()
    expect(page.locator("[data-keeping]")).to_have_count(1)
    expect(page.locator(f'th[data-side="{newer.pk}"] [data-keeping]')).to_be_visible()  # it has the history
    expect(page.locator(f'input[name="title"][value="{older.pk}"]')).to_be_checked()  # the survivor has no title
    expect(page.locator(f'[data-counts="{newer.pk}"]')).to_contain_text("Activities: 1")
    page.check(f'input[name="email"][value="{older.pk}"]')
    page.get_by_role("button", name="Merge").click()

    page.wait_for_url(f"**/leads/{newer.pk}/")
    expect(page.locator("[data-merge-banner]")).to_contain_text("Merged with Ana Silva <ana@initech.example>")
    expect(page.locator("#lead-header")).to_contain_text("ana@initech.example")
    expect(page.locator("#lead-header")).to_contain_text("Analyst")
    expect(page.locator(".timeline")).to_contain_text("into this lead")
    expect(page.locator(".timeline")).to_contain_text("merged in since")  # the merged lead's own history

    page.locator("[data-undo-merge]").click()
    page.wait_for_url(f"**/leads/{older.pk}/")
    expect(page.locator("#messages")).to_contain_text("is back")
    expect(page.locator("#lead-header")).to_contain_text("ana@initech.example")
    page.goto(f"/leads/{newer.pk}/")
    expect(page.locator("[data-merge-banner]")).to_have_count(0)
    expect(page.locator("#lead-header")).to_contain_text("ana.silva@initech.example")
    expect(page.locator(".timeline")).to_contain_text("Undid the merge")
    page.goto("/duplicates/merges/")
    expect(page.locator("[data-undone]")).to_contain_text("Undone")


def test_not_a_duplicate_takes_the_pair_off_the_queue(page, committed):
    acme = make_team("acme")
    two_of_one_person(acme)
    log_in(page, acme.manager.email, PASSWORD)
    page.goto("/duplicates/")
    expect(page.locator("#pair-rows tr")).to_have_count(1)
    page.get_by_role("button", name="Not a duplicate").click()
    expect(page.locator("#pair-rows tr")).to_have_count(0)  # swapped out in place
    page.reload()
    expect(page.locator(".empty")).to_contain_text("No possible duplicates")
