from django.contrib import admin, messages

from leads import services
from leads.models import Activity, ActivityEvent, Company, CompanyEvent, Lead, LeadEvent, LeadStatus, PersonErasure
from primesync.admin_audit import AppendOnlyAdmin, audit_inline


@admin.register(Company)
class CompanyAdmin(admin.ModelAdmin):
    list_display = ["name", "domain", "industry", "employees", "hq_country", "team"]
    list_filter = ["team", "industry", "hq_country"]
    search_fields = ["name", "domain"]
    list_select_related = ["team"]
    show_full_result_count = False
    inlines = [audit_inline(CompanyEvent)]


@admin.register(Lead)
class LeadAdmin(admin.ModelAdmin):
    list_display = [
        "__str__", "email", "company_name", "owner", "status", "source", "quality_score", "team", "created_at",
    ]
    list_filter = ["team", "status", "source"]
    search_fields = ["first_name", "last_name", "email", "phone", "company_name"]
    list_select_related = ["team", "owner", "company"]
    raw_id_fields = ["company", "owner"]
    readonly_fields = ["quality_score", "quality_factors", "converted_at", "created_at", "updated_at"]
    show_full_result_count = False
    date_hierarchy = "created_at"
    inlines = [audit_inline(LeadEvent)]
    actions = ["disqualify"]

    @admin.action(description="Disqualify the selected leads")
    def disqualify(self, request, queryset):
        for lead in queryset:
            services.lead_update(lead=lead, by=request.user, status=LeadStatus.DISQUALIFIED)
        messages.success(request, "Disqualified.")


@admin.register(Activity)
class ActivityAdmin(admin.ModelAdmin):
    list_display = ["subject", "kind", "lead", "deal", "occurred_at", "due_at", "completed_at", "created_by", "team"]
    list_filter = ["team", "kind"]
    search_fields = ["subject", "body"]
    list_select_related = ["team", "lead", "deal", "created_by"]
    raw_id_fields = ["lead", "deal", "assigned_to", "created_by"]
    show_full_result_count = False
    inlines = [audit_inline(ActivityEvent)]


@admin.register(PersonErasure)
class PersonErasureAdmin(AppendOnlyAdmin):
    """The erasures run with ``manage.py erase_person`` (only there: they need the owner role)."""

    list_display = ["created_at", "team", "lead_id", "erased_by", "rows_changed", "reason"]
    list_select_related = ["team", "erased_by"]
    search_fields = ["=lead_id", "reason"]
    date_hierarchy = "created_at"
