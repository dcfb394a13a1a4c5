from django.urls import path

from . import office, views

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    # The office's tools (office.py)
    path("export/", office.export, name="export"),
    path("import/", office.import_page, name="import"),
    path("import/template/", office.import_template, name="import_template"),
    path("stats/", office.stats_page, name="stats"),
    path("follow-up/", office.follow_up_list, name="follow_up"),
    path("<int:pk>/receipt/", office.receipt, name="receipt"),
    path("<int:pk>/reply-letter/", office.reply_letter, name="reply_letter"),
]
