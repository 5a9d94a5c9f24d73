from django.urls import path

from leads import views

urlpatterns = [
    path("leads/", views.lead_list, name="lead-list"),
    path("leads/new/", views.lead_create, name="lead-create"),
    path("leads/new/validate/<str:field>/", views.lead_validate, name="lead-validate"),
    path("leads/duplicates/", views.lead_duplicates, name="lead-duplicates"),
    path("leads/bulk/", views.lead_bulk, name="lead-bulk"),
    path("leads/export.csv", views.lead_export, name="lead-export"),
    path("leads/views/", views.saved_view_create, name="saved-view-create"),
    path("leads/views/<int:pk>/delete/", views.saved_view_delete, name="saved-view-delete"),
    path("leads/<int:pk>/", views.lead_detail, name="lead-detail"),
    path("leads/<int:pk>/field/<str:field>/", views.lead_field, name="lead-field"),
    path("leads/<int:pk>/activities/", views.lead_activity_create, name="lead-activity-create"),
    path("leads/<int:pk>/enrich/", views.lead_enrich, name="lead-enrich"),
    path("activities/<int:pk>/complete/", views.activity_complete, name="activity-complete"),
    path("companies/", views.company_list, name="company-list"),
    path("companies/new/", views.company_create, name="company-create"),
    path("companies/<int:pk>/", views.company_detail, name="company-detail"),
    path("companies/<int:pk>/field/<str:field>/", views.company_field, name="company-field"),
]

from leads import views_settings  # noqa: E402

urlpatterns += [
    path("settings/routing/", views_settings.routing_settings, name="routing-settings"),
    path("settings/routing/rules/new/", views_settings.rule_edit, name="rule-create"),
    path("settings/routing/rules/<int:pk>/", views_settings.rule_edit, name="rule-edit"),
    path("settings/routing/rules/<int:pk>/delete/", views_settings.rule_delete, name="rule-delete"),
    path("settings/availability/", views_settings.availability_edit, name="availability-edit"),
    path("settings/availability/<int:user_id>/", views_settings.availability_edit, name="availability-edit-user"),
]

from leads import views_tracking  # noqa: E402

urlpatterns += [
    path("t/o/<str:token>.gif", views_tracking.open_pixel, name="track-open"),
    path("t/c/<str:token>/", views_tracking.click, name="track-click"),
    path("t/u/<str:token>/", views_tracking.unsubscribe, name="track-unsubscribe"),
]

from leads import views_sequences  # noqa: E402

urlpatterns += [
    path("sequences/", views_sequences.sequence_list, name="sequence-list"),
    path("sequences/new/", views_sequences.sequence_edit, name="sequence-create"),
    path("sequences/<int:pk>/", views_sequences.sequence_edit, name="sequence-edit"),
    path("leads/<int:pk>/enroll/", views_sequences.lead_enroll, name="lead-enroll"),
]

from leads import views_duplicates  # noqa: E402

urlpatterns += [
    path("duplicates/", views_duplicates.duplicate_queue, name="duplicate-queue"),
    path("duplicates/count/", views_duplicates.duplicate_count, name="duplicate-count"),
    path("duplicates/<int:pk>/", views_duplicates.duplicate_compare, name="duplicate-compare"),
    path("duplicates/<int:pk>/merge/", views_duplicates.duplicate_merge, name="duplicate-merge"),
    path("duplicates/<int:pk>/dismiss/", views_duplicates.duplicate_dismiss, name="duplicate-dismiss"),
    path("duplicates/merges/", views_duplicates.merge_list, name="merge-list"),
    path("duplicates/merges/<int:pk>/undo/", views_duplicates.merge_undo, name="merge-undo"),
]

from leads import views_imports  # noqa: E402

urlpatterns += [
    path("imports/", views_imports.import_list, name="import-list"),
    path("imports/new/", views_imports.import_upload, name="import-new"),
    path("imports/new/<int:file_id>/", views_imports.import_map, name="import-map"),
    path("imports/new/<int:file_id>/preview/", views_imports.import_preview, name="import-preview"),
    path("imports/<int:pk>/", views_imports.import_detail, name="import-detail"),
    path("imports/<int:pk>/errors.csv", views_imports.import_errors_csv, name="import-errors"),
]

from leads import views_offline  # noqa: E402

urlpatterns += [
    path("leads/sw.js", views_offline.lead_form_worker, name="lead-form-worker"),
    path("leads/new/session/", views_offline.lead_form_session, name="lead-form-session"),
]
