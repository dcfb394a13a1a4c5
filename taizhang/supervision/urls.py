from django.urls import path

from . import views

app_name = "supervision"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("tasks/", views.ledger, name="ledger"),
    path("tasks/export.xlsx", views.ledger_export, name="export"),
    path("tasks/import/", views.ledger_import, name="import"),
    path("tasks/new/", views.task_create, name="create"),
    path("tasks/choices/", views.task_choices, name="task_choices"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="edit"),
    path("tasks/<int:pk>/act/<str:action>/", views.task_action, name="act"),
    path("tasks/<int:pk>/comment/", views.task_comment, name="comment"),
    path("tasks/<int:pk>/attach/", views.task_attach, name="attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("units/", views.units, name="units"),
]
