from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
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
    units = models.ManyToManyField(
        Unit, through="Membership", related_name="members", verbose_name=_("units")
    )

    objects = UserManager()

    class Meta:
        verbose_name = _("user")
        verbose_name_plural = _("users")

    def __str__(self):
        return self.display_name or self.get_full_name() or self.username

    @property
    def sees_whole_organisation(self):
        return self.role in Role.org_wide()

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
