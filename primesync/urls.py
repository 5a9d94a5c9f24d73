"""Every URL of the product. Only this module (and the ASGI routing) knows every app."""

from django.contrib import admin
from django.contrib.auth.views import LoginView
from django.urls import include, path, re_path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from dashboards.api import MetricsView
from deals.api import DealViewSet, PipelineViewSet
from enrichment.api import LeadEnrichmentView, LeadEnrichView
from leads.api import CompanyViewSet, LeadExportView, LeadViewSet
from leads.imports.api import ImportCreateView, ImportDetailView, ImportErrorsCsvView
from primesync import api_errors, health, views, views_tokens
from primesync.api import TokenView
from primesync.ratelimit import rate_limited

router = DefaultRouter(trailing_slash=True)
router.register("leads", LeadViewSet, basename="lead")
router.register("companies", CompanyViewSet, basename="company")
router.register("deals", DealViewSet, basename="deal")
router.register("pipelines", PipelineViewSet, basename="pipeline")

urlpatterns = [
    path("", views.home, name="home"),
    path("", include("leads.urls")),
    path("", include("deals.urls")),
    path("", include("dashboards.urls")),
    path("", include("enrichment.urls")),
    path("", include("primesync.webhooks.urls")),
    path("settings/api-tokens/", views_tokens.api_tokens, name="api-tokens"),
    path("settings/api-tokens/<int:pk>/revoke/", views_tokens.api_token_revoke_view, name="api-token-revoke"),
    path("healthz", health.healthz, name="healthz"),
    path("readyz", health.readyz, name="readyz"),
    # before django.contrib.auth.urls: the same login view, its POSTs rate limited per address
    path("accounts/login/", rate_limited("login", methods=("POST",))(LoginView.as_view()), name="login"),
    path("accounts/", include("django.contrib.auth.urls")),
    path("admin/", admin.site.urls),
    path("api/v1/auth/token/", rate_limited("token")(TokenView.as_view()), name="api-token"),
    path("api/v1/metrics/", MetricsView.as_view(), name="api-metrics"),
    path("api/v1/leads/<int:pk>/enrichment/", LeadEnrichmentView.as_view(), name="api-lead-enrichment"),
    path("api/v1/leads/<int:pk>/enrich/", LeadEnrichView.as_view(), name="api-lead-enrich"),
    # before the router: it would read "export.csv" as a lead id with a format suffix
    path("api/v1/leads/export.csv", LeadExportView.as_view(), name="api-lead-export"),
    path("api/v1/imports/", ImportCreateView.as_view(), name="api-import-create"),
    path("api/v1/imports/<int:pk>/", ImportDetailView.as_view(), name="api-import-detail"),
    path("api/v1/imports/<int:pk>/errors.csv", ImportErrorsCsvView.as_view(), name="api-import-errors"),
    path("api/v1/", include((router.urls, "api"), namespace="api")),
    path("api/schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("api/docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
    re_path(r"^api/", api_errors.not_found),  # last: whatever no API route matched
]

handler403 = "primesync.views.permission_denied"
handler404 = "primesync.views.page_not_found"
