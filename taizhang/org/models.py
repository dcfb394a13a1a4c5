from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from .choices import Role, UnitKind


class Organisation(models.Model):
    """The tenant: a federation headquarters, a city. Units and tasks belong to one."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("name"), max_length=200)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]

    def __str__(self):
        return self.name


class UnitQuerySet(models.QuerySet):
    def by_name(self):
        """Every way people write these units (full name, short name, alias, code) mapped to
        the unit, read in one query; a full name wins over another unit's alias."""
        index = {}
        units = list(self)
        for unit in units:
            for name in unit.alias_list:
                index.setdefault(name, unit)
        for unit in units:
            index.update({n: unit for n in (unit.code, unit.short_name, unit.name) if n})
        return index


class Unit(models.Model):
    """A node of the organisation's tree: a department, a bureau, a member enterprise."""

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="units", verbose_name=_("organisation")
    )
    parent = models.ForeignKey(
        "self",
        models.PROTECT,
        null=True,
        blank=True,
        related_name="children",
        verbose_name=_("parent unit"),
    )
    code = models.SlugField(_("code"), max_length=40, unique=True)
    name = models.CharField(_("full name"), max_length=200)
    short_name = models.CharField(_("short name"), max_length=60, blank=True)
    # One alias a line: abbreviations and older names people still write (市国资委, 国资委).
    aliases = models.TextField(_("aliases"), blank=True)
    kind = models.CharField(_("kind"), max_length=20, choices=UnitKind, default=UnitKind.OTHER)
    sort_order = models.PositiveIntegerField(_("order"), default=0)

    objects = UnitQuerySet.as_manager()

    class Meta:
        verbose_name = _("unit")
        verbose_name_plural = _("units")
        ordering = ["organisation", "sort_order", "code"]
        constraints = [
            models.UniqueConstraint(fields=["organisation", "name"], name="unit_name_unique"),
        ]

    def __str__(self):
        return self.short_name or self.name

    @property
    def alias_list(self):
        return [a.strip() for a in self.aliases.splitlines() if a.strip()]


class User(AbstractUser):
    """A person who signs in. Supervisors and leaders see their whole organisation;
    a handler acts for the units they are a member of."""

    organisation = models.ForeignKey(
        Organisation,
        models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
        verbose_name=_("organisation"),
    )
    role = models.CharField(_("role"), max_length=20, choices=Role, default=Role.HANDLER)
    display_name = models.CharField(_("name"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    # The language last chosen in the menu: notifications are written in it (blank: the
    # installation's default).
    language = models.CharField(_("language"), max_length=10, blank=True)
    units = models.ManyToManyField(
        Unit, through="Membership", related_name="members", verbose_name=_("units")
    )
    # Set for an initial password or one reset by an administrator: the user must choose
    # their own at the next sign-in before they can do anything else.
    must_change_password = models.BooleanField(_("must change password"), default=False)
    # TOTP second factor (RFC 6238): the base32 secret once enrolment is confirmed, and the
    # last time step accepted, so that one code cannot be used twice.
    totp_secret = models.CharField(_("TOTP secret"), max_length=64, blank=True)
    totp_last_step = models.BigIntegerField(default=0)

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def has_totp(self):
        return bool(self.totp_secret)

    @property
    def is_administrator(self):
        return self.role in Role.administrators()

    @property
    def sees_whole_organisation(self):
        return self.role in Role.org_wide()

    def notification_language(self):
        """The language this person reads their notifications in."""
        known = {code for code, _name in settings.LANGUAGES}
        return self.language if self.language in known else settings.LANGUAGE_CODE

    def unit_ids(self):
        """Primary keys of the user's units, cached on the instance for one request."""
        if not hasattr(self, "_unit_ids"):
            self._unit_ids = frozenset(self.memberships.values_list("unit_id", flat=True))
        return self._unit_ids


class Membership(models.Model):
    user = models.ForeignKey(User, models.CASCADE, related_name="memberships")
    unit = models.ForeignKey(Unit, models.CASCADE, related_name="memberships")
    title = models.CharField(_("title"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("membership")
        verbose_name_plural = _("memberships")
        constraints = [
            models.UniqueConstraint(fields=["user", "unit"], name="membership_unique"),
        ]

    def __str__(self):
        return f"{self.user} @ {self.unit}"


class PasswordHistory(models.Model):
    """The hashes of a user's recent passwords, so that none of the last few is chosen again."""

    user = models.ForeignKey(User, models.CASCADE, related_name="password_history")
    password = models.CharField(max_length=128)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("password history")
        verbose_name_plural = _("password history")
        ordering = ["-created", "-pk"]

    def __str__(self):
        return f"{self.user} {self.created:%Y-%m-%d}"


class LoginFailure(models.Model):
    """One failed sign-in (wrong password or second-factor code), kept in the database so that
    every app server counts the same failures."""

    audit_log = False  # each failure is in the audit log already, as a failed login

    username = models.CharField(_("user name"), max_length=150, db_index=True)
    # Text, not GenericIPAddressField: PostgreSQL's inet would not compare with Lockout.key.
    address = models.CharField(_("address"), max_length=45, blank=True, db_index=True)
    created = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("failed login")
        verbose_name_plural = _("failed logins")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.username} {self.address or ''} {self.created:%Y-%m-%d %H:%M}"


class LockoutQuerySet(models.QuerySet):
    def active(self):
        return self.filter(locked_until__gt=timezone.now())


class Lockout(models.Model):
    """An account (by user name) or a client address refused sign-in until ``locked_until``.
    Unlocking ends it early; failures before an unlock no longer count."""

    class Scope(models.TextChoices):
        ACCOUNT = "account", _("Account")
        ADDRESS = "address", _("Address")

    scope = models.CharField(_("scope"), max_length=10, choices=Scope)
    # The user name for an account lock-out, the address for an address lock-out.
    key = models.CharField(_("locked"), max_length=150)
    created = models.DateTimeField(_("locked at"), default=timezone.now)
    locked_until = models.DateTimeField(_("locked until"))
    unlocked_by = models.ForeignKey(
        User,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("unlocked by"),
    )
    unlocked_at = models.DateTimeField(_("unlocked at"), null=True, blank=True)

    objects = LockoutQuerySet.as_manager()

    class Meta:
        verbose_name = _("lock-out")
        verbose_name_plural = _("lock-outs")
        ordering = ["-created"]
        indexes = [models.Index(fields=["scope", "key", "locked_until"])]

    def __str__(self):
        return f"{self.get_scope_display()} {self.key}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, expires__gt=timezone.now())


class ApiToken(models.Model):
    """A key for ``Authorization: Bearer``. Only its SHA-256 is stored; the key itself is shown
    once, when it is created."""

    user = models.ForeignKey(User, models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(max_length=64, unique=True)
    # The first characters of the key, enough for its owner to tell tokens apart.
    prefix = models.CharField(_("prefix"), max_length=12)
    created = models.DateTimeField(_("created"), default=timezone.now)
    expires = models.DateTimeField(_("expires"))
    last_used = models.DateTimeField(_("last used"), null=True, blank=True)
    revoked_at = models.DateTimeField(_("revoked"), null=True, blank=True)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")
        ordering = ["-created"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_usable(self):
        return self.revoked_at is None and self.expires > timezone.now()
