from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path
from django.views.i18n import set_language

urlpatterns = [
    path("", include("taizhang.supervision.urls")),
    path("units/", include("taizhang.org.urls")),
    path("documents/", include("taizhang.documents.urls")),
    path("notifications/", include("taizhang.notify.urls")),
    path("audit/", include("taizhang.audit.urls")),
    path("api/", include("taizhang.api.urls")),
    path("login/", auth_views.LoginView.as_view(redirect_authenticated_user=True), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", set_language, name="set_language"),
    path("admin/", admin.site.urls),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
