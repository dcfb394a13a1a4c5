from django.apps import AppConfig


class DemoConfig(AppConfig):
    name = "taizhang.demo"
    label = "demo"
