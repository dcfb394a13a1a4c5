from django.urls import path

from . import views

app_name = "appraisal"
urlpatterns = [
    path("", views.cycle_list, name="list"),
    path("new/", views.cycle_new, name="new"),
    path("staff/<int:pk>/", views.staff_detail, name="staff_detail"),
    path("<int:pk>/", views.cycle_detail, name="detail"),
    path("<int:pk>/edit/", views.cycle_edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.act, name="act"),
    path("<int:pk>/results/", views.results, name="results"),
    path("<int:pk>/points/<str:unit>/", views.points, name="points"),
    path("<int:pk>/staff/", views.staff, name="staff"),
    path("<int:pk>/appeal/", views.appeal, name="appeal"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
]
