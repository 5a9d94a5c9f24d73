"""Read-only audit trail inlines and logs for Django admin."""

from django.contrib import admin


def audit_inline(event_model):
    """An inline listing an object's audit events (newest first), never editable."""

    class AuditInline(admin.TabularInline):
        model = event_model
        fk_name = "pgh_obj"
        extra = 0
        can_delete = False
        max_num = 0
        ordering = ["-pgh_id"]
        fields = ["pgh_created_at", "pgh_label", "who", "source"]
        readonly_fields = fields
        verbose_name = "audit event"
        verbose_name_plural = "audit trail"
        show_change_link = False

        @admin.display(description="user id")
        def who(self, event):
            return (event.pgh_context or {}).get("user") or "-"

        @admin.display(description="source")
        def source(self, event):
            return (event.pgh_context or {}).get("source") or "sql"

        def has_add_permission(self, request, obj=None):
            return False

        def has_change_permission(self, request, obj=None):
            return False

    AuditInline.__name__ = f"{event_model.__name__}Inline"
    return AuditInline


class AppendOnlyAdmin(admin.ModelAdmin):
    """A log table (bypasses, erasures): listed and opened, never added, changed or deleted from admin."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
