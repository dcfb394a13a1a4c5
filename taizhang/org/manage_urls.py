from django.urls import path

from . import manage_views as views

app_name = "manage"
urlpatterns = [
    path("users/", views.users, name="users"),
    path("users/new/", views.user_create, name="user_create"),
    path("users/<int:pk>/", views.user_edit, name="user_edit"),
    path("users/<int:pk>/password", views.user_reset_password, name="user_reset_password"),
    path("units/", views.units, name="units"),
    path("units/new/", views.unit_edit, name="unit_create"),
    path("units/<int:pk>/", views.unit_edit, name="unit_edit"),
    path("security/", views.security_overview, name="security"),
    path("security/users/<int:pk>/role", views.change_role, name="change_role"),
    path("security/lockouts/<int:pk>/unlock", views.unlock, name="unlock"),
]
