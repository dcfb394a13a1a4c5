from django.urls import path

from . import views

app_name = "system"
urlpatterns = [path("jobs/", views.system_jobs, name="jobs")]
