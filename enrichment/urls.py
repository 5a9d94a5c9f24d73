from django.urls import path

from enrichment import views

urlpatterns = [
    path("leads/<int:pk>/enrichment/", views.lead_panel, name="lead-enrichment"),
    path("leads/<int:pk>/enrichment/choose/", views.lead_choose, name="lead-enrichment-choose"),
    path("enrichment/providers/", views.providers, name="enrichment-providers"),
    path("enrichment/batches/<str:batch_id>/", views.batch, name="enrichment-batch"),
    path("leads/<int:pk>/enrichment/fix-email/", views.lead_fix_email, name="lead-fix-email"),
    path("quality/", views.quality, name="quality"),
    path("quality/bulk/", views.quality_bulk, name="quality-bulk"),
]
