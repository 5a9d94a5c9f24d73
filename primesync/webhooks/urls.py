from django.urls import path

from primesync.webhooks import views

urlpatterns = [
    path("settings/webhooks/", views.webhook_list, name="webhook-list"),
    path("settings/webhooks/new/", views.webhook_create, name="webhook-create"),
    path("settings/webhooks/<int:pk>/", views.webhook_detail, name="webhook-detail"),
    path("settings/webhooks/<int:pk>/edit/", views.webhook_edit, name="webhook-edit"),
    path("settings/webhooks/<int:pk>/rotate/", views.webhook_rotate, name="webhook-rotate"),
    path("settings/webhooks/<int:pk>/delete/", views.webhook_delete, name="webhook-delete"),
    path("settings/webhooks/<int:pk>/deliveries/<int:delivery_id>/redeliver/", views.webhook_redeliver,
         name="webhook-redeliver"),
]
