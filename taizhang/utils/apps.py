from django.apps import AppConfig


class UtilsConfig(AppConfig):
    name = "taizhang.utils"
    label = "utils"

    def ready(self):
        from . import checks  # noqa: F401 (registers the deployment checks)
