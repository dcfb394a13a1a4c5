from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TalentConfig(AppConfig):
    name = "taizhang.talent"
    label = "talent"
    verbose_name = _("Talent pool")
