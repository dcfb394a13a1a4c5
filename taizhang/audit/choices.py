from django.utils.translation import gettext_lazy as _

from taizhang.utils.choices import ColouredChoices


class AuditAction(ColouredChoices):
    LOGIN = "login", _("Login")
    LOGIN_FAILED = "login_failed", _("Failed login")
    LOGOUT = "logout", _("Logout")
    CREATE = "create", _("Create")
    UPDATE = "update", _("Update")
    DELETE = "delete", _("Delete")
    DOWNLOAD = "download", _("Download")  # exports and attachments
    VIEW = "view", _("Viewed the audit log")
    PURGE = "purge", _("Purged old records")


AuditAction.COLOURS = {
    AuditAction.LOGIN: "green",
    AuditAction.LOGIN_FAILED: "red",
    AuditAction.LOGOUT: "secondary",
    AuditAction.CREATE: "blue",
    AuditAction.UPDATE: "azure",
    AuditAction.DELETE: "orange",
    AuditAction.DOWNLOAD: "purple",
    AuditAction.VIEW: "secondary",
    AuditAction.PURGE: "yellow",
}
