from django.urls import path

from . import views

app_name = "system"
urlpatterns = [
    path("jobs/", views.system_jobs, name="jobs"),
    path("files/<int:pk>/", views.file_job, name="file-job"),
    path("files/<int:pk>/download", views.file_job_download, name="file-job-download"),
]
