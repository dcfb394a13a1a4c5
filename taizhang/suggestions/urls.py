from django.urls import path

from . import office, views

app_name = "suggestions"
urlpatterns = [
    path("", views.suggestion_list, name="list"),
    path("new/", views.suggestion_new, name="new"),
    path("enter/", views.suggestion_enter, name="enter"),
    path("similar/", views.similar_suggestions, name="similar"),
    path("replies/", views.published_replies, name="replies"),
    path("claim/", views.claim, name="claim"),
    path("settings/", views.channel_settings, name="settings"),
    path("<int:pk>/", views.suggestion_detail, name="detail"),
    path("<int:pk>/act/<slug:action>/", views.suggestion_action, name="act"),
    path("<int:pk>/spawn-task/", views.spawn_task, name="spawn_task"),
    path("attachments/<int:pk>/", views.attachment_download, name="attachment"),
    # The office's tools (office.py)
    path("export/", office.export, name="export"),
    path("import/", office.import_page, name="import"),
    path("import/template/", office.import_template, name="import_template"),
    path("stats/", office.stats_page, name="stats"),
    path("follow-up/", office.follow_up_list, name="follow_up"),
    path("<int:pk>/receipt/", office.receipt, name="receipt"),
    path("<int:pk>/reply-letter/", office.reply_letter, name="reply_letter"),
]
