"""Webhooks in Django admin: platform admins look across teams and can disable an endpoint; secrets stay hidden.

Endpoints are created and edited on the team's settings page, where the URL guard and the
once-shown secret live; admin does not duplicate that.
"""

from django.apps import apps
from django.contrib import admin

from primesync.admin_audit import AppendOnlyAdmin, audit_inline
from primesync.webhooks.models import WebhookDelivery, WebhookEndpoint


@admin.register(WebhookEndpoint)
class WebhookEndpointAdmin(admin.ModelAdmin):
    list_display = ["url", "team", "active", "created_by", "created_at"]
    list_filter = ["active", "team"]
    search_fields = ["url", "description"]
    list_select_related = ["team", "created_by"]
    fields = ["team", "url", "description", "event_types", "active", "previous_secret_expires_at", "created_by",
              "created_at", "updated_at"]
    readonly_fields = [f for f in fields if f != "active"]
    inlines = [audit_inline(apps.get_model("primesync", "WebhookEndpointEvent"))]

    def has_add_permission(self, request):
        return False


@admin.register(WebhookDelivery)
class WebhookDeliveryAdmin(AppendOnlyAdmin):
    """Read only: deliveries are made by the fan-out and redelivered from the settings page."""

    list_display = ["id", "endpoint", "team", "event_type", "event_id", "status", "attempts", "last_status_code",
                    "created_at"]
    list_filter = ["status", "event_type"]
    list_select_related = ["endpoint", "team"]
    show_full_result_count = False  # a delivery log grows without bound: no COUNT(*) per page
    exclude = ["payload"]
    readonly_fields = ["payload_json"]
