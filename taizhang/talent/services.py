"""Changes to the talent pool. Pages, the API, the roster import and the demo call these;
each runs in one transaction, cleans what people typed and refuses with a clear message."""

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang import audit
from taizhang.org.models import User
from taizhang.utils.errors import NotAllowed, WorkflowError
from taizhang.utils.text import clean_text

from . import identity, rules
from .choices import SENSITIVE_FIELDS, AccessKind, EventKind
from .models import Keeper, PathEvent, Person, SensitiveAccess

PERSON_FIELDS = (
    "name",
    "gender",
    "birth_year",
    "ethnicity",
    "affiliation",
    "party",
    "unit",
    "employer",
    "post",
    "title",
    "expertise",
    "education",
    "phone",
    "email",
    "id_number",
    "photo",
    "account",
    "notes",
)
MULTILINE = {"notes", "note"}
EVENT_FIELDS = ("kind", "title", "organiser", "start_date", "end_date", "note")


class InvalidInput(WorkflowError):
    """Input refused; ``field_errors`` maps each field to its messages, for a form to show."""

    def __init__(self, error):
        self.field_errors = error.message_dict if hasattr(error, "error_dict") else {}
        messages = [
            f"{_label(field)}：{message}" if field != "__all__" else message
            for field, found in self.field_errors.items()
            for message in found
        ] or error.messages
        super().__init__(" ".join(messages))


def _label(field):
    for model in (Person, PathEvent):
        try:
            return str(model._meta.get_field(field).verbose_name)
        except Exception:  # noqa: S112 — not a field of this model
            continue
    return field


def _cleaned(fields, allowed):
    unknown = set(fields) - set(allowed)
    if unknown:
        raise WorkflowError(_("Unknown fields: %(names)s.") % {"names": ", ".join(sorted(unknown))})
    cleaned = {}
    for name, value in fields.items():
        if isinstance(value, str):
            # Multi-line notes keep their lines; a one-line field loses stray whitespace.
            value = (
                clean_text(value).strip()
                if name in MULTILINE
                else " ".join(clean_text(value).split())
            )
        cleaned[name] = value
    if "id_number" in cleaned:
        cleaned["id_number"] = identity.normalise(cleaned["id_number"] or "")
    if "email" in cleaned:
        cleaned["email"] = (cleaned["email"] or "").lower()
    for name in ("birth_year", "unit", "account", "start_date", "end_date"):
        if name in cleaned and cleaned[name] == "":
            cleaned[name] = None
    return cleaned


def _check_manager(by, organisation_id):
    if not rules.can_manage(by) or by.organisation_id != organisation_id:
        raise NotAllowed(_("Only a keeper of the talent pool may change profiles."))


def _validate(person, changed):
    exclude = [] if "photo" in changed else ["photo"]
    try:
        person.full_clean(exclude=exclude, validate_constraints=False)
    except ValidationError as error:
        raise InvalidInput(error) from None
    if person.id_number:
        twin = Person.objects.filter(
            organisation_id=person.organisation_id, id_number=person.id_number
        ).exclude(pk=person.pk)
        if twin.exists():
            raise InvalidInput(
                ValidationError(
                    {
                        "id_number": _("This ID number is already in the pool (%(name)s).")
                        % {"name": twin.first().name}
                    }
                )
            )
    if person.account_id:
        if person.account.organisation_id != person.organisation_id:
            raise InvalidInput(
                ValidationError({"account": _("The account is not of this organisation.")})
            )
        other = Person.objects.filter(account_id=person.account_id).exclude(pk=person.pk)
        if other.exists():
            raise InvalidInput(
                ValidationError({"account": _("The account belongs to another profile.")})
            )


def problems(organisation, fields):
    """What is wrong with a profile made of ``fields`` (as ``create_person`` takes them), as
    messages, without saving it: the roster import lists every bad row this way."""
    person = Person(organisation=organisation, **_cleaned(fields, PERSON_FIELDS))
    _fill_from_id(person)
    try:
        _validate(person, fields)
    except InvalidInput as error:
        return [
            f"{_label(field)}：{message}" if field != "__all__" else message
            for field, found in error.field_errors.items()
            for message in found
        ] or [error.message]
    return []


def _save(person):
    try:
        with transaction.atomic():
            person.save()
    except IntegrityError:  # a twin saved at the same moment
        raise InvalidInput(
            ValidationError({"id_number": _("This ID number is already in the pool.")})
        ) from None


def _fill_from_id(person):
    """A year of birth not given is read from the ID number."""
    if person.id_number and not person.birth_year and not identity.problem(person.id_number):
        person.birth_year = identity.birth_date(person.id_number).year


@transaction.atomic
def create_person(*, by, organisation, **fields):
    """Add a profile to the pool."""
    _check_manager(by, organisation.pk)
    fields = _cleaned(fields, PERSON_FIELDS)
    person = Person(organisation=organisation, **fields)
    _fill_from_id(person)
    _validate(person, fields)
    _save(person)
    return person


@transaction.atomic
def update_person(person, *, by, **fields):
    """Change a profile's fields (those given)."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    _check_manager(by, person.organisation_id)
    fields = _cleaned(fields, PERSON_FIELDS)
    for name, value in fields.items():
        setattr(person, name, value)
    _fill_from_id(person)
    _validate(person, fields)
    _save(person)
    return person


@transaction.atomic
def add_event(person, *, by, kind, title, organiser="", start_date=None, end_date=None, note=""):
    """Record a step of the person's path (培养, 选拔 or 使用)."""
    _check_manager(by, person.organisation_id)
    fields = _cleaned(
        {
            "kind": kind,
            "title": title,
            "organiser": organiser,
            "start_date": start_date,
            "end_date": end_date,
            "note": note,
        },
        EVENT_FIELDS,
    )
    if fields["kind"] not in EventKind.values:
        raise WorkflowError(_("Unknown kind of path event."))
    event = PathEvent(person=person, created_by=by, **fields)
    try:
        event.full_clean(exclude=["person", "created_by"])
    except ValidationError as error:
        raise InvalidInput(error) from None
    event.save()
    return event


@transaction.atomic
def remove_event(event, *, by):
    _check_manager(by, event.person.organisation_id)
    event.delete()


def _check_granter(by, user):
    if not rules.can_grant_keepers(by) or user.organisation_id != by.organisation_id:
        raise NotAllowed(_("Only the security administrator grants keepers of the talent pool."))


@transaction.atomic
def grant_keeper(user, *, by):
    """Make ``user`` a keeper of the pool; refused for an administrator of 三员分立."""
    user = User.objects.select_for_update().get(pk=user.pk)
    _check_granter(by, user)
    if not rules.may_be_keeper(user):
        raise WorkflowError(
            _(
                "%(user)s may not keep the pool: only the organisation's active staff may "
                "(administrators see no business data; submitters are people the pool holds)."
            )
            % {"user": user.username}
        )
    keeper, created = Keeper.objects.get_or_create(user=user, defaults={"granted_by": by})
    if not created:
        raise WorkflowError(_("%(user)s already keeps the pool.") % {"user": user.username})
    return keeper


@transaction.atomic
def revoke_keeper(user, *, by):
    _check_granter(by, user)
    deleted, _rows = Keeper.objects.filter(user=user).delete()
    if not deleted:
        raise WorkflowError(_("%(user)s does not keep the pool.") % {"user": user.username})


def record_access(people, *, by, kind, unmasked=True, fields=SENSITIVE_FIELDS):
    """Log that ``by`` read the sensitive fields of ``people`` (one row each, one INSERT)."""
    now = timezone.now()
    rows = [
        SensitiveAccess(
            organisation_id=person.organisation_id,
            person=person,
            user=by,
            username=by.get_username(),
            kind=kind,
            fields=",".join(fields),
            unmasked=unmasked,
            created_at=now,
        )
        for person in people
    ]
    return audit.bulk_create(SensitiveAccess, rows)


@transaction.atomic
def reveal(person, *, by, kind=AccessKind.PAGE):
    """Unmask one person's sensitive fields for a keeper, logging the access."""
    if not rules.can_unmask(by, person):
        raise NotAllowed(_("Only a keeper of the talent pool may see these fields in full."))
    record_access([person], by=by, kind=kind)
    return {field: getattr(person, field) for field in SENSITIVE_FIELDS}
