"""/settings/webhooks/: a team's webhook endpoints and their delivery logs (managers and admins)."""

from __future__ import annotations

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_POST

from primesync.errors import DomainError
from primesync.keyset import InvalidCursor
from primesync.web import manager_required
from primesync.webhooks import selectors, services
from primesync.webhooks.forms import EndpointForm
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint


def _endpoint(request, pk) -> WebhookEndpoint:
    return get_object_or_404(WebhookEndpoint, team=request.team, pk=pk)


def _show_secret(request, endpoint: WebhookEndpoint, secret: str, *, created: bool):
    # rendered, not redirected: the secret never goes into a session message or a URL
    response = render(request, "webhooks/secret.html", {"endpoint": endpoint, "secret": secret, "created": created})
    response["Cache-Control"] = "no-store"
    return response


@manager_required
def webhook_list(request):
    return render(request, "webhooks/list.html", {"endpoints": selectors.endpoint_list(team=request.team)})


@manager_required
def webhook_create(request):
    form = EndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint = services.endpoint_create(team=request.team, by=request.user, **form.endpoint_fields())
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            return _show_secret(request, endpoint, endpoint.secret, created=True)
    return render(request, "webhooks/form.html", {"form": form, "endpoint": None},
                  status=422 if request.method == "POST" else 200)


@manager_required
def webhook_edit(request, pk):
    endpoint = _endpoint(request, pk)
    initial = {k: getattr(endpoint, k) for k in ("url", "description", "event_types", "active")}
    form = EndpointForm(request.POST or None, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            services.endpoint_update(endpoint=endpoint, **form.endpoint_fields())
        except DomainError as exc:
            form.add_error(exc.field, exc.message)
        else:
            messages.success(request, "Saved the endpoint.")
            return redirect("webhook-detail", pk=endpoint.pk)
    return render(request, "webhooks/form.html", {"form": form, "endpoint": endpoint},
                  status=422 if request.method == "POST" else 200)


@manager_required
def webhook_detail(request, pk):
    """The endpoint and its delivery log, newest first, 50 a page (``?after=``)."""
    endpoint = _endpoint(request, pk)
    try:
        page = selectors.delivery_log(endpoint=endpoint, after=request.GET.get("after"))
    except InvalidCursor:
        return redirect(request.path)
    context = {"endpoint": endpoint, "page": page, "first_page": not request.GET.get("after")}
    template = "webhooks/_deliveries.html" if request.htmx else "webhooks/detail.html"
    return render(request, template, context)


@manager_required
@require_POST
def webhook_rotate(request, pk):
    endpoint = _endpoint(request, pk)
    secret = services.endpoint_rotate_secret(endpoint=endpoint)
    return _show_secret(request, endpoint, secret, created=False)


@manager_required
@require_POST
def webhook_delete(request, pk):
    endpoint = _endpoint(request, pk)
    services.endpoint_delete(endpoint=endpoint)
    messages.success(request, f"Deleted the endpoint {endpoint.url}.")
    return redirect("webhook-list")


@manager_required
@require_POST
def webhook_redeliver(request, pk, delivery_id):
    endpoint = _endpoint(request, pk)
    delivery = get_object_or_404(WebhookDelivery.objects.select_related("endpoint"), team=request.team,
                                 endpoint=endpoint, pk=delivery_id)
    try:
        again = services.delivery_redeliver(delivery=delivery)
    except DomainError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, f"Queued delivery #{again.pk}: {delivery.event_type} #{delivery.event_id} again.")
    return redirect("webhook-detail", pk=endpoint.pk)
