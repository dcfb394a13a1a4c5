from django.urls import path

from . import views

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
]
