from django.apps import AppConfig


class UtilsConfig(AppConfig):
    name = "taizhang.utils"
    label = "utils"
