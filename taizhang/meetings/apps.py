from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "taizhang.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from taizhang.supervision import sources

        from .models import task_source_link

        sources.register(task_source_link)
