from django.conf import settings
from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path

from taizhang.org import account_views
from taizhang.reports import views as report_views
from taizhang.utils import views as system_views

handler404 = "taizhang.api.exceptions.api_aware_not_found"

urlpatterns = [
    # A task's 督办单 and 催办单 as Word files (reports/documents.py), beside its HTML sheets.
    path(
        "tasks/<int:pk>/duban.docx",
        report_views.task_sheet_docx,
        {"sheet": "duban"},
        name="duban_docx",
    ),
    path(
        "tasks/<int:pk>/cuiban.docx",
        report_views.task_sheet_docx,
        {"sheet": "cuiban"},
        name="cuiban_docx",
    ),
    path("", include("taizhang.supervision.urls")),
    path("documents/", include("taizhang.documents.urls")),
    path("suggestions/", include("taizhang.suggestions.urls")),
    path("meetings/", include("taizhang.meetings.urls")),
    path("talent/", include("taizhang.talent.urls")),
    path("rectification/", include("taizhang.rectification.urls")),
    path("appraisal/", include("taizhang.appraisal.urls")),
    path("reports/", include("taizhang.reports.urls")),
    path("notifications/", include("taizhang.notify.urls")),
    path("system/", include("taizhang.utils.urls")),
    path("audit/", include("taizhang.audit.urls")),
    path("api/", include("taizhang.api.urls")),
    path("home/", account_views.home, name="home"),
    path("login/", account_views.LoginView.as_view(), name="login"),
    path("login/code/", account_views.login_code, name="login_code"),
    path("account/", include("taizhang.org.account_urls")),
    path("manage/", include("taizhang.org.manage_urls")),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("i18n/setlang/", account_views.set_language, name="set_language"),
    path("admin/", admin.site.urls),
    # Asked for by browsers and feed readers whatever the page's <link rel="icon"> says.
    path("favicon.ico", system_views.favicon),
]

if settings.DEBUG:
    from django.conf.urls.static import static

    urlpatterns += static(settings.MEDIA_URL, document_root=settings.MEDIA_ROOT)
