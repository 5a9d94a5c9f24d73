from django.urls import path

from dashboards import views

urlpatterns = [path("my-day/", views.my_day, name="my-day")]
