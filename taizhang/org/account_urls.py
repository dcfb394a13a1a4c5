from django.urls import path

from . import account_views as views

urlpatterns = [
    path("", views.account, name="account"),
    path("password/", views.password_change, name="password_change"),
    path("two-factor/", views.two_factor, name="two_factor"),
    path("tokens/", views.api_tokens, name="api_tokens"),
    path("tokens/<int:pk>/revoke", views.api_token_revoke, name="api_token_revoke"),
]
