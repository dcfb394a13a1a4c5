from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    name = "taizhang.meetings"
    label = "meetings"
    verbose_name = _("Meetings")

    def ready(self):
        from taizhang.notify import subjects
        from taizhang.supervision import other_work, sources

        from .models import Meeting, task_source_link
        from .todo import todo_counts

        sources.register(task_source_link)
        # Deliveries about a meeting are listed to those who see it.
        subjects.register(Meeting, lambda user: Meeting.objects.visible_to(user))
        other_work.register(todo_counts)
