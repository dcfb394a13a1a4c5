from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")  # 督查员
    LEADER = "leader", _("Leader")  # 领导
    HANDLER = "handler", _("Unit handler")  # 承办人
    ADMIN = "admin", _("Administrator")  # 管理员

    @classmethod
    def org_wide(cls):
        """Roles that see every task of their organisation."""
        return {cls.SUPERVISOR, cls.LEADER, cls.ADMIN}


class UnitKind(models.TextChoices):
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    COMMITTEE = "committee", _("Committee")
    BUREAU = "bureau", _("Bureau")
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")
