"""人才库: profiles of non-party representatives and experts, their path, the pool's keepers
and the log of every read of their sensitive fields."""

import os

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Case, IntegerField, Max, Q, When
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from taizhang.org.choices import Role
from taizhang.org.models import Organisation, Unit

from . import identity
from .choices import (
    AGE_BANDS,
    AccessKind,
    Affiliation,
    EventKind,
    Gender,
    Party,
    Stage,
)

PHOTO_EXTENSIONS = (".jpg", ".jpeg", ".png")
PHOTO_MAX_BYTES = 2 * 1024 * 1024
# The first bytes of the image formats a photo may be in.
PHOTO_SIGNATURES = (b"\xff\xd8\xff", b"\x89PNG\r\n\x1a\n")


def is_keeper(user):
    """Whether ``user`` keeps the pool (管理员 of 人才库): a grant by the security administrator,
    to a business role (an administrator of 三员分立 never sees the pool). Cached per request."""
    if not user.is_authenticated or user.organisation_id is None:
        return False
    if user.role not in Role.staff():
        return False
    if not hasattr(user, "_talent_keeper"):
        user._talent_keeper = Keeper.objects.filter(user=user).exists()
    return user._talent_keeper


def validate_photo(upload):
    name = os.path.basename(upload.name or "").lower()
    if not name.endswith(PHOTO_EXTENSIONS):
        raise ValidationError(_("A photo must be a .jpg or .png file."), code="photo_type")
    if upload.size > PHOTO_MAX_BYTES:
        raise ValidationError(_("A photo may be at most 2 MB."), code="photo_size")
    upload.seek(0)
    head = upload.read(8)
    upload.seek(0)
    if not head.startswith(PHOTO_SIGNATURES):
        raise ValidationError(_("The file is not a JPEG or PNG image."), code="photo_type")


def photo_path(person, filename):
    extension = os.path.splitext(filename)[1].lower()
    return f"talent/{person.organisation_id}/{timezone.now():%Y%m%d%H%M%S}{extension}"


def stage_rank():
    """The furthest stage's rank (1 培养, 2 选拔, 3 使用; None without events), for one query."""
    return Max(
        Case(
            *(
                When(events__kind__in=EventKind.of_stage(stage), then=Stage.rank(stage))
                for stage in Stage
            ),
            output_field=IntegerField(),
        )
    )


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The one visibility rule of the pool, for pages, exports and the API.

        Keepers of the pool, supervisors and leaders see every profile of their organisation;
        a handler sees the people whose unit is one of theirs. Nobody else sees any: the
        three administrators run the system, submitters see their own suggestions only.
        Only keepers may unmask the sensitive fields (``Person.shown_to``).
        """
        if not user.is_authenticated or user.organisation_id is None:
            return self.none()
        people = self.filter(organisation_id=user.organisation_id)
        if is_keeper(user) or user.sees_whole_organisation:
            return people
        if user.role == Role.HANDLER:
            return people.filter(unit_id__in=user.unit_ids())
        return self.none()

    def with_stage(self):
        # An aggregate drops Meta.ordering: keep the list's order explicit.
        return self.annotate(stage_rank=stage_rank()).order_by(*self.model._meta.ordering)

    def at_stage(self, stage):
        return self.with_stage().filter(stage_rank=Stage.rank(stage))

    def in_age_band(self, band, today=None):
        youngest, oldest = AGE_BANDS[band]
        year = (today or timezone.localdate()).year
        people = self.filter(birth_year__lte=year - youngest)
        return people if oldest is None else people.filter(birth_year__gte=year - oldest)


class Person(models.Model):
    """A non-party representative or expert (党外代表人士, 专家) in the pool."""

    # Sensitive personal information (PIPL): the audit log records that it changed, not what.
    audit_personal = ("id_number", "phone", "email")

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="talent", verbose_name=_("organisation")
    )
    name = models.CharField(pgettext_lazy("of a person", "name"), max_length=60)
    gender = models.CharField(_("gender"), max_length=10, choices=Gender, blank=True)
    birth_year = models.PositiveSmallIntegerField(_("year of birth"), null=True, blank=True)
    ethnicity = models.CharField(_("ethnicity"), max_length=20, blank=True)
    affiliation = models.CharField(
        _("political affiliation"), max_length=20, choices=Affiliation, default=Affiliation.OTHER
    )
    party = models.CharField(
        _("democratic party"), max_length=10, choices=Party, blank=True
    )  # only for 民主党派 members
    unit = models.ForeignKey(
        Unit,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="talent",
        verbose_name=_("unit"),
    )
    # Where they work when it is not one of the organisation's units (a university, a firm).
    employer = models.CharField(_("employer"), max_length=200, blank=True)
    post = models.CharField(_("post"), max_length=100, blank=True)
    title = models.CharField(_("professional title"), max_length=60, blank=True)  # 职称
    expertise = models.CharField(_("field of expertise"), max_length=200, blank=True)
    education = models.CharField(_("education"), max_length=60, blank=True)
    phone = models.CharField(_("phone"), max_length=30, blank=True)
    email = models.EmailField(_("e-mail"), blank=True)
    id_number = models.CharField(
        _("ID number"), max_length=18, blank=True, validators=[identity.validate_id_number]
    )
    photo = models.FileField(
        _("photo"), upload_to=photo_path, blank=True, max_length=200, validators=[validate_photo]
    )
    # The person's own sign-in, as a submitter: their suggestions are listed on the profile.
    account = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="talent_profile",
        verbose_name=_("account"),
    )
    notes = models.TextField(_("notes"), blank=True)
    created_at = models.DateTimeField(_("created"), default=timezone.now)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["name", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "id_number"],
                condition=~Q(id_number=""),
                name="talent_id_number_unique",
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("talent:person", args=[self.pk])

    def clean(self):
        self.id_number = identity.normalise(self.id_number)
        errors = {}
        if self.affiliation == Affiliation.DEMOCRATIC_PARTY and not self.party:
            errors["party"] = _("Say which democratic party.")
        if self.party and self.affiliation != Affiliation.DEMOCRATIC_PARTY:
            errors["party"] = _("A party is given only for members of a democratic party.")
        if self.id_number and not identity.problem(self.id_number):
            born = identity.birth_date(self.id_number)
            if self.birth_year and self.birth_year != born.year:
                errors["birth_year"] = _(
                    "The year of birth (%(year)s) differs from the ID number's (%(id_year)s)."
                ) % {"year": self.birth_year, "id_year": born.year}
        if self.birth_year and not 1900 <= self.birth_year <= timezone.localdate().year:
            errors["birth_year"] = _("The year of birth is not plausible.")
        if self.unit_id and self.unit.organisation_id != self.organisation_id:
            errors["unit"] = _("The unit is not one of this organisation's.")
        if errors:
            raise ValidationError(errors)

    @property
    def stage(self):
        """The furthest stage reached: the highest of the stages of the person's events
        (培养 for training, 挂职 and 交流; 选拔 for a recommendation or a nomination; 使用 for a
        post held), whatever their order or dates. None while the path is empty. Read from
        ``stage_rank`` when the queryset was annotated (``with_stage``), else from the events."""
        if "stage_rank" in self.__dict__:
            rank = self.stage_rank
        else:
            ranks = [Stage.rank(EventKind.stage_of(e.kind)) for e in self.events.all()]
            rank = max(ranks, default=None)
        return list(Stage)[rank - 1] if rank else None

    @property
    def stage_colour(self):
        return Stage.colour(self.stage)

    @property
    def stage_label(self):
        return Stage(self.stage).label if self.stage else ""

    @property
    def affiliation_display(self):
        if self.party:
            return self.get_party_display()
        return self.get_affiliation_display()

    @property
    def workplace(self):
        return self.unit.name if self.unit_id else self.employer

    def masked(self, field):
        return identity.MASKS[field](getattr(self, field))

    @property
    def masked_id_number(self):
        return self.masked("id_number")

    @property
    def masked_phone(self):
        return self.masked("phone")

    @property
    def masked_email(self):
        return self.masked("email")

    def age(self, today=None):
        if not self.birth_year:
            return None
        return (today or timezone.localdate()).year - self.birth_year


class PathEvent(models.Model):
    """One step of a person's path: a course, a temporary post, a nomination, a post held."""

    person = models.ForeignKey(
        Person, models.CASCADE, related_name="events", verbose_name=_("person")
    )
    kind = models.CharField(_("kind"), max_length=20, choices=EventKind)
    title = models.CharField(_("title"), max_length=200)
    # Who ran the course, where the post was, which body nominated them.
    organiser = models.CharField(_("organiser or body"), max_length=200, blank=True)
    start_date = models.DateField(_("from"), null=True, blank=True)
    end_date = models.DateField(_("to"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("recorded"), default=timezone.now)

    class Meta:
        verbose_name = _("path event")
        verbose_name_plural = _("path events")
        ordering = ["person", "start_date", "pk"]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def stage(self):
        return EventKind.stage_of(self.kind)

    @property
    def stage_colour(self):
        return Stage.colour(self.stage)

    def clean(self):
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValidationError({"end_date": _("The end comes before the start.")})


class Keeper(models.Model):
    """管理员 of the talent pool: sees every profile and may unmask sensitive fields. Granted
    and revoked by the organisation's security administrator (privileges are theirs in 三员分立)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        models.CASCADE,
        related_name="talent_keeper",
        verbose_name=_("user"),
    )
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("granted by"),
    )
    granted_at = models.DateTimeField(_("granted"), default=timezone.now)

    class Meta:
        verbose_name = _("keeper of the talent pool")
        verbose_name_plural = _("keepers of the talent pool")
        ordering = ["user__username"]

    def __str__(self):
        return str(self.user)


class AppendOnly(Exception):
    """An attempt to change or remove a record of the access log."""


class SensitiveAccessQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The log is the keepers' to read, for their organisation."""
        if not is_keeper(user):
            return self.none()
        return self.filter(organisation_id=user.organisation_id)

    def update(self, **kwargs):
        raise AppendOnly("the access log is append-only")


class SensitiveAccess(models.Model):
    """Who read whose sensitive fields (ID number, phone, e-mail), when, how and which ones.

    Append-only: written by ``services.record_access`` and never changed. The audit log
    records each row's creation as it records every model change, so the access is also
    in the hash-chained log the audit administrator reads.
    """

    organisation = models.ForeignKey(
        Organisation, models.CASCADE, related_name="+", verbose_name=_("organisation")
    )
    person = models.ForeignKey(
        Person, models.CASCADE, related_name="accesses", verbose_name=_("person")
    )
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("user"),
    )
    username = models.CharField(_("user name"), max_length=150)  # kept if the user goes
    kind = models.CharField(_("how"), max_length=10, choices=AccessKind)
    # The fields read, comma-separated, and whether they were shown in full.
    fields = models.CharField(_("fields"), max_length=100)
    unmasked = models.BooleanField(_("unmasked"), default=True)
    created_at = models.DateTimeField(_("time"), default=timezone.now, db_index=True)

    objects = SensitiveAccessQuerySet.as_manager()

    class Meta:
        verbose_name = _("access to sensitive data")
        verbose_name_plural = _("accesses to sensitive data")
        ordering = ["-created_at", "-pk"]

    def __str__(self):
        return f"{self.username} → {self.person_id} {self.kind} {self.created_at:%Y-%m-%d %H:%M}"

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise AppendOnly("the access log is append-only")
        super().save(*args, **kwargs)

    @property
    def kind_colour(self):
        return AccessKind.colour(self.kind)

    @property
    def field_labels(self):
        names = {f: Person._meta.get_field(f).verbose_name for f in ("id_number", "phone", "email")}
        return "、".join(str(names.get(f, f)) for f in self.fields.split(",") if f)
