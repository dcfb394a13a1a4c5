from django.apps import AppConfig


class UtilsConfig(AppConfig):
    name = "taizhang.utils"
    label = "utils"

    def ready(self):
        from . import filejobs  # noqa: F401 (its receiver ends the jobs a dead worker left)
