from django.urls import path

from dashboards import views

urlpatterns = [
    path("my-day/", views.my_day, name="my-day"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("dashboard/metrics/<str:name>/", views.dashboard_metric, name="dashboard-metric"),
    path("notifications/", views.notifications, name="notifications"),
    path("notifications/count/", views.notification_count, name="notification-count"),
    path("notifications/read/", views.notifications_read, name="notifications-read"),
]
