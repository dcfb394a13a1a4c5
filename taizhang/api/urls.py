from django.urls import path
from drf_spectacular.views import SpectacularJSONAPIView

from . import talent, views

app_name = "api"
urlpatterns = [
    path("openapi.json", SpectacularJSONAPIView.as_view(), name="openapi"),
    path("auth/token", views.TokenView.as_view(), name="token"),
    path("units", views.UnitList.as_view(), name="units"),
    path("tasks", views.TaskList.as_view(), name="tasks"),
    path("tasks/import", views.LedgerImport.as_view(), name="import"),
    path("tasks/export.xlsx", views.LedgerExport.as_view(), name="export"),
    path("tasks/<int:pk>", views.TaskDetail.as_view(), name="task"),
    path("tasks/<int:pk>/transitions", views.TaskTransition.as_view(), name="transitions"),
    path("tasks/<int:pk>/progress", views.TaskProgress.as_view(), name="progress"),
    path("tasks/<int:pk>/history", views.TaskHistory.as_view(), name="history"),
    path("talent/people", talent.PersonList.as_view(), name="talent-people"),
    path("talent/people/export.xlsx", talent.PersonExport.as_view(), name="talent-export"),
    path("talent/people/<int:pk>", talent.PersonDetail.as_view(), name="talent-person"),
]
