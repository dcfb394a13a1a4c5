from django.urls import path

from . import views

app_name = "talent"
urlpatterns = [
    path("", views.person_list, name="list"),
    path("export.xlsx", views.person_export, name="export"),
    path("import/", views.roster_import, name="import"),
    path("import/template.xlsx", views.roster_template, name="template"),
    path("new/", views.person_create, name="create"),
    path("accesses/", views.access_log, name="accesses"),
    path("keepers/", views.keepers, name="keepers"),
    path("keepers/<int:pk>/revoke", views.keeper_revoke, name="keeper_revoke"),
    path("<int:pk>/", views.person_detail, name="person"),
    path("<int:pk>/show/", views.person_reveal, name="reveal"),
    path("<int:pk>/photo", views.person_photo, name="photo"),
    path("<int:pk>/edit/", views.person_edit, name="edit"),
    path("<int:pk>/events/", views.event_add, name="event_add"),
    path("<int:pk>/events/<int:event_pk>/remove", views.event_remove, name="event_remove"),
]
