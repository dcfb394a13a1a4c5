"""The rectification pages. Each module keeps its own views: plans, their problems and
measures, and the lists across plans (views); the 整改进展 page with its figures and chart
(progress_views); the three Excel lists and the plan import (excel_views)."""

from django.urls import path

from . import excel_views, progress_views, views

app_name = "rectification"
urlpatterns = [
    path("", views.plan_list, name="list"),
    path("new/", views.plan_new, name="new"),
    path("<int:pk>/", views.plan_detail, name="detail"),
    path("<int:pk>/edit/", views.plan_edit, name="edit"),
    path("<int:pk>/act/<slug:action>/", views.plan_action, name="act"),
    path("<int:pk>/aspects/new/", views.aspect_new, name="aspect_new"),
    path("aspects/<int:pk>/edit/", views.aspect_edit, name="aspect_edit"),
    path("<int:pk>/problems/new/", views.problem_new, name="problem_new"),
    path("problems/", views.problem_list, name="problems"),  # 问题清单
    path("problems/<int:pk>/", views.problem_detail, name="problem"),
    path("problems/<int:pk>/edit/", views.problem_edit, name="problem_edit"),
    path("problems/<int:pk>/act/<slug:action>/", views.problem_action, name="problem_act"),
    path("problems/<int:pk>/measures/new/", views.measure_new, name="measure_new"),
    path("measures/", views.measure_list, name="measures"),  # 任务清单
    path("files/<int:pk>/", views.plan_file, name="file"),
    path("problem-files/<int:pk>/", views.problem_file, name="problem_file"),
    # progress_views.py
    path("<int:pk>/progress/", progress_views.progress, name="progress"),
    # excel_views.py: sheet is problems (问题清单), measures (任务清单), responsibilities (责任清单)
    path("<int:pk>/export/<slug:sheet>/", excel_views.export, name="export"),
    path("import/", excel_views.import_plan, name="import"),
    path("import/template/", excel_views.import_template, name="import_template"),
]
