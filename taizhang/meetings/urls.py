"""The meetings pages. Each module below keeps its own views: meetings and their minutes
(views), mechanisms and their figures (mechanism_views), calendars and .ics files
(calendars), printed notices, sign-in sheets and phone sign-in (printing), exchange events
(exchange_views) and the statistics page (stats_views)."""

from django.urls import path

from . import calendars, exchange_views, mechanism_views, printing, stats_views, views

app_name = "meetings"
urlpatterns = [
    path("", views.meeting_list, name="list"),
    path("new/", views.meeting_new, name="new"),
    path("<int:pk>/", views.meeting_detail, name="detail"),
    path("<int:pk>/edit/", views.meeting_edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.meeting_action, name="act"),
    path("files/<int:pk>/", views.file_download, name="file"),
    # calendars.py
    path("calendar/", calendars.calendar_page, name="calendar"),
    path("calendar.ics", calendars.organisation_ics, name="calendar_ics"),
    path("<int:pk>/calendar.ics", calendars.meeting_ics, name="ics"),
    # printing.py
    path("<int:pk>/notice/", printing.notice, name="notice_print"),
    path("<int:pk>/sign-in-sheet/", printing.sign_in_sheet, name="sign_in_sheet"),
    path("<int:pk>/sign-in/<str:token>/", printing.sign_in, name="sign_in"),
    # mechanism_views.py
    path("mechanisms/", mechanism_views.mechanism_list, name="mechanisms"),
    path("mechanisms/new/", mechanism_views.mechanism_new, name="mechanism_new"),
    path("mechanisms/<int:pk>/", mechanism_views.mechanism_detail, name="mechanism"),
    path("mechanisms/<int:pk>/edit/", mechanism_views.mechanism_edit, name="mechanism_edit"),
    # exchange_views.py
    path("<int:pk>/event/", exchange_views.event_edit, name="event"),
    path("<int:pk>/event/suggestion/", exchange_views.hand_over, name="hand_over"),
    # stats_views.py
    path("stats/", stats_views.stats_page, name="stats"),
]
