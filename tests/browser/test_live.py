"""Live pages in real Chromium: a manager's board follows every move, whoever makes it and however."""

import pytest
from django.db import connection
from playwright.sync_api import expect

from dashboards.services import notify
from primesync import tenancy
from tests.browser.conftest import log_in
from tests.conftest import make_team
from tests.factories import PASSWORD, DealFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def two_browsers(browser, asgi_server):
    contexts = [browser.new_context(base_url=asgi_server.url, viewport={"width": 1400, "height": 900})
                for _ in range(2)]
    pages = []
    for context in contexts:
        page = context.new_page()
        page.set_default_timeout(10_000)
        pages.append(page)
    yield pages
    for context in contexts:
        context.close()


def open_board(page, email):
    log_in(page, email, PASSWORD)
    page.add_init_script("document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = (window.__wsOpen || 0) + 1 })")
    page.goto("/pipeline/")
    page.wait_for_function("() => window.__wsOpen >= 1")


def test_a_move_by_a_rep_shows_on_the_managers_board_without_reload(relay, two_browsers):
    acme = make_team("acme")
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep,
                       name="Hooli - Expansion")
    manager_page, rep_page = two_browsers
    open_board(manager_page, acme.manager.email)
    open_board(rep_page, acme.rep.email)
    proposal = acme.stage("Proposal")
    expect(manager_page.locator(f'[data-stage-id="{acme.stage("Prospecting").pk}"] #deal-card-{deal.pk}')).to_be_visible()

    rep_page.drag_and_drop(f"#deal-card-{deal.pk}", f'[data-stage-id="{proposal.pk}"]')

    moved = manager_page.locator(f'[data-stage-id="{proposal.pk}"] #deal-card-{deal.pk}')
    expect(moved).to_be_visible()
    expect(manager_page.locator(f"#deal-card-{deal.pk}")).to_have_count(1)
    expect(manager_page.locator(f"#stage-head-{proposal.pk} [data-count]")).to_have_text("1")
    expect(moved).to_have_attribute("draggable", "true")  # the manager may move it on
    expect(rep_page.locator(f'[data-stage-id="{proposal.pk}"] #deal-card-{deal.pk}')).to_be_visible()


def test_a_raw_sql_update_moves_the_card_too(relay, two_browsers):
    acme = make_team("acme")
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Qualification"), owner=acme.rep)
    manager_page, _ = two_browsers
    open_board(manager_page, acme.manager.email)
    won = acme.stage("Won")
    with tenancy.use_team(acme.team), connection.cursor() as cur:
        cur.execute("UPDATE deals_deal SET stage_id = %s WHERE id = %s", [won.pk, deal.pk])
    expect(manager_page.locator(f'[data-stage-id="{won.pk}"] #deal-card-{deal.pk}')).to_be_visible()


def test_another_teams_board_does_not_move(relay, two_browsers):
    acme, globex = make_team("acme"), make_team("globex")
    theirs = DealFactory(team=globex.team, pipeline=globex.pipeline, stage=globex.stage("Prospecting"),
                         owner=globex.rep)
    manager_page, globex_page = two_browsers
    open_board(manager_page, acme.manager.email)
    open_board(globex_page, globex.manager.email)
    with tenancy.use_team(globex.team), connection.cursor() as cur:
        cur.execute("UPDATE deals_deal SET stage_id = %s WHERE id = %s", [globex.stage("Won").pk, theirs.pk])
    expect(globex_page.locator(f'[data-stage-id="{globex.stage("Won").pk}"] #deal-card-{theirs.pk}')).to_be_visible()
    expect(manager_page.locator(f"#deal-card-{theirs.pk}")).to_have_count(0)


def test_a_reconnecting_board_catches_up(relay, two_browsers, asgi_server):
    acme = make_team("acme")
    deal = DealFactory(team=acme.team, pipeline=acme.pipeline, stage=acme.stage("Prospecting"), owner=acme.rep)
    page, _ = two_browsers
    open_board(page, acme.manager.email)

    def change_while_the_page_is_disconnected():
        with tenancy.use_team(acme.team), connection.cursor() as cur:
            cur.execute("UPDATE deals_deal SET stage_id = %s WHERE id = %s", [acme.stage("Negotiation").pk, deal.pk])

    # the server restarts (a deploy): the socket drops, the change is broadcast while this page is away
    asgi_server.restart(while_down=change_while_the_page_is_disconnected, down_for=1.0)
    page.wait_for_function("() => window.__wsOpen >= 2", timeout=20_000)
    expect(page.locator(f'[data-stage-id="{acme.stage("Negotiation").pk}"] #deal-card-{deal.pk}')).to_be_visible()


def test_the_bell_counts_live_and_shows_a_toast_and_a_desktop_notification(relay, two_browsers, asgi_server):
    acme = make_team("acme")
    page, _ = two_browsers
    page.context.grant_permissions(["notifications"], origin=asgi_server.url)
    log_in(page, acme.rep.email, PASSWORD)
    page.add_init_script("document.addEventListener('htmx:wsOpen', () => { window.__wsOpen = 1 })")
    # record what the page shows through the browser's Notification API
    page.add_init_script("""
        window.__desktop = [];
        const Real = window.Notification;
        window.Notification = function (title, options) { window.__desktop.push(title); return new Real(title, options); };
        window.Notification.permission = Real.permission;
        window.Notification.requestPermission = Real.requestPermission.bind(Real);
    """)
    page.goto("/my-day/")
    page.wait_for_function("() => window.__wsOpen === 1")
    expect(page.locator("#notif-count")).to_be_hidden()
    with tenancy.use_team(acme.team):
        notify(team=acme.team, user=acme.rep, kind="test", title="Jo Lee opened your email", url="/my-day/")
    expect(page.locator("#notif-count")).to_have_text("1")
    expect(page.locator(".toast")).to_contain_text("Jo Lee opened your email")
    page.wait_for_function("() => window.__desktop.length >= 1")
    page.wait_for_timeout(300)
    assert page.evaluate("window.__desktop") == ["Jo Lee opened your email"]  # once, not once per swapped element
    page.goto("/notifications/")
    expect(page.locator(".notification.unread")).to_contain_text("Jo Lee opened your email")
    page.click("text=Mark all as read")
    expect(page.locator(".notification.unread")).to_have_count(0)
