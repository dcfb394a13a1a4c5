from django.urls import path

from . import import_views, print_views, saved_filters, views

app_name = "supervision"
urlpatterns = [
    path("", views.todo, name="todo"),
    path("tasks/", views.ledger, name="ledger"),
    path("tasks/export.xlsx", views.ledger_export, name="export"),
    path("tasks/import/", import_views.ledger_import, name="import"),
    path("tasks/import/template.xlsx", import_views.import_template, name="import-template"),
    path("tasks/import/<int:pk>/", import_views.import_preview, name="import-preview"),
    path("tasks/import/<int:pk>/confirm/", import_views.import_confirm, name="import-confirm"),
    path("tasks/new/", views.task_create, name="create"),
    path("tasks/bulk/", views.bulk_action, name="bulk"),
    path("tasks/choices/", views.task_choices, name="task_choices"),
    path("tasks/<int:pk>/", views.task_detail, name="task"),
    path("tasks/<int:pk>/edit/", views.task_edit, name="edit"),
    path("tasks/<int:pk>/act/<str:action>/", views.task_action, name="act"),
    path("tasks/<int:pk>/comment/", views.task_comment, name="comment"),
    path("tasks/<int:pk>/attach/", views.task_attach, name="attach"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    path("attachments/<int:pk>/inline", views.attachment_inline, name="attachment-inline"),
    path("attachments/<int:pk>/preview", views.attachment_preview, name="attachment-preview"),
    path("units/", views.units, name="units"),
    path("search/", views.search, name="search"),
    # Printable sheets and the printed ledger (issue 14 item 6).
    path("tasks/print/", print_views.ledger_print, name="print-ledger"),
    path("tasks/<int:pk>/print/duban/", print_views.duban_sheet, name="print-duban"),
    path("tasks/<int:pk>/print/cuiban/", print_views.cuiban_sheet, name="print-cuiban"),
    # 我的常用筛选 (ledger filters, issue 14)
    path("tasks/filters/", saved_filters.saved_filter_create, name="filter-save"),
    path(
        "tasks/filters/<int:pk>/delete/",
        saved_filters.saved_filter_delete,
        name="filter-delete",
    ),
]
