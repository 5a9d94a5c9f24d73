"""/api/docs/ in real Chromium: Swagger UI runs from this server's files under the Content Security Policy."""

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def test_the_api_docs_render_every_endpoint_offline(page, asgi_server):
    outside, problems = [], []
    page.on("request", lambda r: r.url.startswith(asgi_server.url) or outside.append(r.url))
    page.on("console", lambda m: m.type == "error" and problems.append(m.text))
    page.goto("/api/docs/")
    expect(page.locator(".opblock-summary-path[data-path='/api/v1/leads/']").first).to_be_visible()
    expect(page.locator(".opblock-summary-path[data-path='/api/v1/leads/export.csv']")).to_be_visible()
    assert page.locator(".opblock").count() >= 25
    assert outside == [] and problems == []
