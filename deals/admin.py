from django.contrib import admin

from deals.models import Deal, DealEvent, Pipeline, PipelineEvent, Quota, QuotaEvent, Stage, StageEvent
from primesync.admin_audit import audit_inline


class StageInline(admin.TabularInline):
    model = Stage
    extra = 0
    fields = ["order", "name", "win_probability", "stale_after_days", "kind", "team"]
    ordering = ["order"]


@admin.register(Pipeline)
class PipelineAdmin(admin.ModelAdmin):
    list_display = ["name", "team", "is_default", "created_at"]
    list_filter = ["team"]
    search_fields = ["name"]
    list_select_related = ["team"]
    inlines = [StageInline, audit_inline(PipelineEvent)]


@admin.register(Stage)
class StageAdmin(admin.ModelAdmin):
    list_display = ["name", "pipeline", "order", "win_probability", "stale_after_days", "kind", "team"]
    list_filter = ["team", "kind"]
    search_fields = ["name", "pipeline__name"]
    list_select_related = ["pipeline", "team"]
    inlines = [audit_inline(StageEvent)]


@admin.register(Deal)
class DealAdmin(admin.ModelAdmin):
    list_display = ["name", "amount", "currency", "stage", "owner", "expected_close_date", "team"]
    list_filter = ["team", "stage__kind", "currency"]
    search_fields = ["name", "company__name", "lead__email"]
    list_select_related = ["team", "stage", "owner"]
    raw_id_fields = ["lead", "company", "owner", "stage", "pipeline"]
    readonly_fields = ["stage_entered_at", "closed_at", "created_at", "updated_at"]
    show_full_result_count = False
    inlines = [audit_inline(DealEvent)]


@admin.register(Quota)
class QuotaAdmin(admin.ModelAdmin):
    list_display = ["user", "period_start", "period_end", "amount", "team"]
    list_filter = ["team", "period_start"]
    search_fields = ["user__email"]
    list_select_related = ["user", "team"]
    raw_id_fields = ["user"]
    inlines = [audit_inline(QuotaEvent)]
