from django.urls import path

from . import views

app_name = "reports"
urlpatterns = [
    path("", views.overview_page, name="overview"),
    path("unit/", views.unit_page, name="unit"),
    path("burden/", views.burden_page, name="burden"),
    path("bulletins/", views.bulletin_list, name="bulletins"),
    path("bulletins/new/", views.bulletin_new, name="bulletin_new"),
    path("bulletins/<int:pk>/", views.bulletin_detail, name="bulletin"),
    path("bulletins/<int:pk>/act/<slug:action>/", views.bulletin_act, name="bulletin_act"),
    path("bulletins/<int:pk>.docx", views.bulletin_docx, name="bulletin_docx"),
    path("year-summary/", views.year_summary_page, name="year_summary"),
    path("year-summary.docx", views.year_summary_docx, name="year_summary_docx"),
    path("files/", views.report_file, name="file"),
    path("settings/", views.settings_page, name="settings"),
]
