from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.forms import UserChangeForm, UserCreationForm

from primesync import services
from primesync.admin_audit import AppendOnlyAdmin, audit_inline
from primesync.models import ApiToken, Membership, MembershipEvent, RlsBypass, Team, TeamEvent, User, UserEvent


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["user"]


@admin.register(Team)
class TeamAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "time_zone", "currency", "created_at"]
    search_fields = ["name", "slug"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [MembershipInline, audit_inline(TeamEvent)]


class EmailUserCreationForm(UserCreationForm):
    class Meta:
        model = User
        fields = ["email", "full_name"]


class EmailUserChangeForm(UserChangeForm):
    class Meta:
        model = User
        fields = "__all__"


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    form = EmailUserChangeForm
    add_form = EmailUserCreationForm
    ordering = ["email"]
    list_display = ["email", "full_name", "is_active", "is_staff", "is_superuser", "date_joined"]
    list_filter = ["is_active", "is_staff", "is_superuser"]
    search_fields = ["email", "full_name"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        ("Person", {"fields": ["full_name"]}),
        ("Access", {"fields": ["is_active", "is_staff", "is_superuser"]}),
        ("Dates", {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "full_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined"]
    inlines = [MembershipInline, audit_inline(UserEvent)]
    actions = ["deactivate"]

    def get_inlines(self, request, obj):
        return self.inlines if obj else []

    @admin.action(description="Deactivate the selected users (they can no longer log in)")
    def deactivate(self, request, queryset):
        for user in queryset:
            services.user_deactivate(user=user)
        messages.success(request, f"Deactivated {queryset.count()} user(s).")


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "team", "role", "created_at"]
    list_filter = ["role", "team"]
    search_fields = ["user__email", "team__name"]
    list_select_related = ["user", "team"]
    autocomplete_fields = ["user", "team"]
    inlines = [audit_inline(MembershipEvent)]


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    list_display = ["name", "prefix", "user", "team", "created_at", "last_used_at", "revoked_at"]
    list_filter = ["team"]
    search_fields = ["user__email", "name", "prefix"]
    list_select_related = ["user", "team"]
    readonly_fields = ["prefix", "key_hash", "created_at", "last_used_at", "revoked_at"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False  # tokens are issued by the API or the settings page, which show the key once

    @admin.action(description="Revoke the selected tokens")
    def revoke(self, request, queryset):
        for token in queryset:
            services.api_token_revoke(token=token)
        messages.success(request, "Revoked.")


@admin.register(RlsBypass)
class RlsBypassAdmin(AppendOnlyAdmin):
    list_display = ["created_at", "user", "reason", "method", "path"]
    list_filter = ["reason"]
    search_fields = ["user__email", "path"]
    list_select_related = ["user"]
    date_hierarchy = "created_at"


from primesync.webhooks import admin as webhooks_admin  # noqa: E402, F401 - registers the webhook admins
