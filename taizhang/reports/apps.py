from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "taizhang.reports"
    label = "reports"
    verbose_name = _("Reports")

    def ready(self):
        from taizhang.supervision import hints

        from . import burden

        hints.register_before_assigning(burden.before_assigning)
