from django.urls import path

from deals import views

urlpatterns = [
    path("pipeline/", views.pipeline_board, name="pipeline"),
    path("pipeline/columns/<int:stage_id>/", views.pipeline_column, name="pipeline-column"),
    path("deals/<int:pk>/", views.deal_detail, name="deal-detail"),
    path("deals/<int:pk>/move/", views.deal_move, name="deal-move"),
    path("deals/<int:pk>/stage/", views.deal_stage, name="deal-stage"),
    path("deals/<int:pk>/field/<str:field>/", views.deal_field, name="deal-field"),
    path("deals/<int:pk>/activities/", views.deal_activity_create, name="deal-activity-create"),
    path("leads/<int:pk>/convert/", views.lead_convert, name="lead-convert"),
]
