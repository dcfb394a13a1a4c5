from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OrgConfig(AppConfig):
    name = "taizhang.org"
    label = "org"
    verbose_name = _("Organisation")

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .middleware import start_idle_clock

        user_logged_in.connect(start_idle_clock, dispatch_uid="taizhang.org.idle_clock")
