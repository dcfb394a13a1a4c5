from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    SUPERVISOR = "supervisor", _("Supervisor")  # 督查员
    LEADER = "leader", _("Leader")  # 领导
    HANDLER = "handler", _("Unit handler")  # 承办人
    # 建言人: a non-party representative, expert or employee who makes suggestions and sees
    # only their own, with the replies.
    SUBMITTER = "submitter", _("Submitter")
    # 三员分立 (等保2.0): three administrators, none of whom does or sees the business work.
    ADMIN = "admin", _("System administrator")  # 系统管理员: users, units, settings
    SECURITY = "security", _("Security administrator")  # 安全管理员: roles, lock-outs, policy
    AUDITOR = "auditor", _("Audit administrator")  # 审计管理员: reads the audit log

    @classmethod
    def org_wide(cls):
        """Roles that see every task of their organisation."""
        return {cls.SUPERVISOR, cls.LEADER}

    @classmethod
    def staff(cls):
        """The roles of the people who do the organisation's work (not its submitters, not
        the administrators): only they may be trusted with a register of people."""
        return {cls.SUPERVISOR, cls.LEADER, cls.HANDLER}

    @classmethod
    def administrators(cls):
        return {cls.ADMIN, cls.SECURITY, cls.AUDITOR}


class UnitKind(models.TextChoices):
    OFFICE = "office", _("Office")
    DEPARTMENT = "department", _("Department")
    COMMITTEE = "committee", _("Committee")
    BUREAU = "bureau", _("Bureau")
    ENTERPRISE = "enterprise", _("Enterprise")
    GOVERNMENT = "government", _("Government")
    OTHER = "other", _("Other")
