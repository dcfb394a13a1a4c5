"""Forms of the meeting pages. They check what a form can (required fields, dates, the shape
of agenda and guest lines); the services check everything else and say why in Chinese."""

import re
from pathlib import Path

from django import forms
from django.utils.translation import gettext_lazy, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from taizhang.extract.read import SUFFIXES
from taizhang.org.choices import Role
from taizhang.org.models import Unit, User
from taizhang.supervision.forms import DateInput, MultipleFileField
from taizhang.utils.forms import TimeInput, searchable_choices

from .choices import (
    Attendance,
    GuestKind,
    JointSession,
    MechanismKind,
    MeetingKind,
    MemberRole,
    Response,
)
from .models import Mechanism, PlannedMeeting
from .services import MEETING_FIELDS

SEPARATORS = re.compile(r"[｜|]")
PHOTO_SUFFIXES = (".jpg", ".jpeg", ".png")
SPEAKER_SEPARATOR = re.compile(r"[｜|]")
MAX_SPEAKERS = 100
GUEST_SEPARATORS = re.compile(r"[，,、]")
# What a secretary types for a guest's kind (besides its label in the page's language).
GUEST_WORDS = {
    **{value: value for value in GuestKind.values},
    "党外专家": GuestKind.EXPERT,
    "专家": GuestKind.EXPERT,
    "企业家": GuestKind.ENTREPRENEUR,
    "其他": GuestKind.OTHER,
}
STALE = _("The page is out of date: reload it and try again.")


def _version_field(required=True):
    """The version the page was drawn from, hidden: missing or garbled, the page is stale."""
    return forms.IntegerField(
        widget=forms.HiddenInput,
        required=required,
        error_messages={"required": STALE, "invalid": STALE},
    )


def parse_agenda(text):
    """One item a line, "议题｜汇报人" with the presenter optional."""
    items = []
    for line in (text or "").splitlines():
        if not line.strip():
            continue
        parts = SEPARATORS.split(line, maxsplit=1)
        items.append((parts[0].strip(), parts[1].strip() if len(parts) > 1 else ""))
    return items


def format_agenda(items):
    return "\n".join(f"{i.title}｜{i.presenter}" if i.presenter else i.title for i in items)


def parse_guests(text):
    """One guest a line: 姓名，单位，类别，联系方式 (类别 党外专家 / 企业家 / 其他); all but the
    name optional."""
    words = {**GUEST_WORDS, **{str(label): value for value, label in GuestKind.choices}}
    guests, wrong = [], []
    for n, line in enumerate((text or "").splitlines(), 1):
        if not line.strip():
            continue
        parts = [p.strip() for p in GUEST_SEPARATORS.split(line.strip())]
        name = parts[0]
        affiliation = parts[1] if len(parts) > 1 else ""
        word = parts[2] if len(parts) > 2 else ""
        contact = parts[3] if len(parts) > 3 else ""
        kind = words.get(word) if word else GuestKind.OTHER
        if not name or kind is None or len(parts) > 4:
            wrong.append(str(n))
            continue
        guests.append({"name": name, "affiliation": affiliation, "kind": kind, "contact": contact})
    return guests, wrong


def _guest_name(text, n):
    """The name on line ``n`` (from 1) of the guests' text."""
    line = text.splitlines()[n - 1].strip()
    return GUEST_SEPARATORS.split(line)[0].strip()


def format_guests(invitees):
    lines = []
    for i in invitees:
        parts = [i.guest_name, i.guest_affiliation, str(i.get_guest_kind_display())]
        lines.append("，".join([*parts, i.guest_contact] if i.guest_contact else parts))
    return "\n".join(lines)


# A text too long, in the words of a form (Django's own speaks of a "variable").
TOO_LONG = _("At most %(limit_value)d characters (now %(show_value)d).")


def word_limits(form):
    """Our message for every text field's length limit."""
    for field in form.fields.values():
        if isinstance(field, forms.CharField) and field.max_length is not None:
            field.error_messages["max_length"] = TOO_LONG


def style(form):
    """Tabler's classes on every widget, and our message for a text too long."""
    word_limits(form)
    for field in form.fields.values():
        widget = field.widget
        if isinstance(widget, forms.CheckboxInput | forms.RadioSelect):
            widget.attrs.setdefault("class", "form-check-input")
        elif hasattr(widget, "choices"):
            widget.attrs.setdefault("class", "form-select")
        else:
            widget.attrs.setdefault("class", "form-control")


class Styled(forms.Form):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


class MeetingForm(forms.Form):
    """计划会议 and its edit: the meeting's fields, its agenda and who is invited."""

    kind = forms.ChoiceField(label=_("Kind"), choices=MeetingKind.choices)
    joint_session = forms.ChoiceField(
        label=_("Sitting"),
        choices=[("", "—"), *JointSession.choices],
        required=False,
        help_text=_("For a joint meeting only."),
    )
    mechanism = forms.ModelChoiceField(
        Mechanism.objects.none(),
        label=_("Mechanism"),
        required=False,
        help_text=_("Its member units are invited unless you choose the invited units below."),
    )
    planned_as = forms.ModelChoiceField(
        PlannedMeeting.objects.none(), label=_("Line of the yearly plan"), required=False
    )
    title = forms.CharField(label=_("Title"), max_length=200)
    topic = forms.CharField(
        label=pgettext_lazy("meeting", "Topic"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    date = forms.DateField(label=_("Date"), widget=DateInput)
    start_time = forms.TimeField(label=_("Starts at"), required=False, widget=TimeInput)
    end_time = forms.TimeField(label=_("Ends at"), required=False, widget=TimeInput)
    place = forms.CharField(label=_("Place"), max_length=200, required=False)
    online = forms.BooleanField(label=pgettext_lazy("meeting", "Online"), required=False)
    online_link = forms.CharField(
        label=_("Online meeting link or number"), max_length=300, required=False
    )
    convener = forms.ModelChoiceField(
        Unit.objects.none(), label=_("Convening unit"), required=False
    )
    chair = forms.ModelChoiceField(User.objects.none(), label=_("Chaired by"), required=False)
    agenda = forms.CharField(
        label=_("Agenda"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One item a line; add the presenter after ｜, e.g. 议题｜汇报人."),
    )
    invited_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label=_("Invited units"), required=False
    )
    invited_people = forms.ModelMultipleChoiceField(
        User.objects.none(), label=_("Invited people"), required=False
    )
    guests = forms.CharField(
        label=_("Guests without an account"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "One guest a line: name，organisation，kind (党外专家 / 企业家 / 其他)，contact; "
            "all but the name may be left out."
        ),
    )
    version = _version_field(required=False)

    def __init__(self, *args, organisation, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        self.editing = editing
        units = Unit.objects.filter(organisation=organisation)
        self.fields["convener"].queryset = units
        self.fields["invited_units"].queryset = units
        self.fields["invited_units"].widget.attrs["size"] = 8
        self.fields["invited_people"].widget.attrs["size"] = 6
        people = User.objects.filter(organisation=organisation, is_active=True)
        self.fields["chair"].queryset = people.filter(role=Role.LEADER)
        self.fields["invited_people"].queryset = people.exclude(
            role__in=Role.administrators()
        ).order_by("username")
        mechanisms = Mechanism.objects.filter(organisation=organisation, active=True)
        self.fields["mechanism"].queryset = mechanisms
        self.fields["planned_as"].queryset = PlannedMeeting.objects.filter(
            mechanism__in=mechanisms, meeting__isnull=True
        ).select_related("mechanism")
        self.fields["planned_as"].label_from_instance = lambda p: f"{p.mechanism} · {p}"
        style(self)
        if editing:  # the mechanism and the plan line are the meeting's identity
            del self.fields["mechanism"]
            del self.fields["planned_as"]
            self.fields["version"].required = True
            self.fields["version"].error_messages["required"] = STALE
        searchable_choices(self)

    def clean_agenda(self):
        return parse_agenda(self.cleaned_data["agenda"])

    def clean_guests(self):
        text = self.cleaned_data["guests"]
        guests, wrong = parse_guests(text)
        nameless = [n for n in wrong if not _guest_name(text, int(n))]
        others = [n for n in wrong if n not in nameless]
        errors = []
        if nameless:
            errors.append(
                _("Lines %(lines)s: the guest's name is missing (a line starts with the name).")
                % {"lines": "、".join(nameless)}
            )
        if others:
            errors.append(
                _("Lines %(lines)s: write 姓名，单位，类别 with the kind 党外专家, 企业家 or 其他.")
                % {"lines": "、".join(others)}
            )
        if errors:
            raise forms.ValidationError(errors)
        return guests

    def clean(self):
        data = super().clean()
        if data.get("joint_session") and data.get("kind") != MeetingKind.JOINT:
            self.add_error("joint_session", _("Only a joint meeting has a sitting."))
        start, end = data.get("start_time"), data.get("end_time")
        if start and end and end <= start:
            self.add_error("end_time", _("The meeting must end after it starts."))
        if data.get("online") and not data.get("online_link"):
            self.add_error("online_link", _("Give the link or number of the online meeting."))
        if not data.get("online") and not data.get("place"):
            self.add_error("place", _("Give the place, or mark the meeting as online."))
        line, mechanism = data.get("planned_as"), data.get("mechanism")
        if line is not None and (mechanism is None or line.mechanism_id != mechanism.pk):
            self.add_error("planned_as", _("The plan line belongs to another mechanism."))
        return data

    # The services' fields of a meeting that this form edits as they are (the convener is
    # given only when chosen; a chair without an account is not asked for here).
    FIELDS = tuple(f for f in MEETING_FIELDS if f not in ("convener", "chair_name"))

    def meeting_fields(self):
        data = self.cleaned_data
        values = {name: data[name] for name in self.FIELDS}
        if data["convener"] is not None or self.editing:
            values["convener"] = data["convener"]
        values["agenda"] = data["agenda"]
        return values


class RespondForm(Styled):
    """回执: 参会, 代会 with who comes, or 请假 with the reason. No version: one's own answer
    does not conflict with the others' answers nor with the secretariat's edits."""

    response = forms.ChoiceField(
        label=pgettext_lazy("meeting", "Reply"),
        choices=[(r, label) for r, label in Response.choices if r != Response.PENDING],
        widget=forms.RadioSelect,
    )
    substitute = forms.CharField(label=_("Substitute"), max_length=60, required=False)
    comment = forms.CharField(label=_("Reason or note"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("response") == Response.SUBSTITUTE and not data.get("substitute"):
            self.add_error("substitute", _("Name the substitute who attends in your place."))
        if data.get("response") == Response.DECLINED and not data.get("comment"):
            self.add_error("comment", _("Give the reason you cannot attend."))
        return data


class AttendanceForm(Styled):
    """签到 of one invitation row."""

    invitee = forms.IntegerField(widget=forms.HiddenInput)
    status = forms.ChoiceField(
        label=_("Attendance"),
        choices=[(a, label) for a, label in Attendance.choices if a],
    )
    attended_by = forms.CharField(label=_("Attended by"), max_length=60, required=False)
    reason = forms.CharField(label=_("Reason for absence"), max_length=300, required=False)

    def clean(self):
        data = super().clean()
        if data.get("status") == Attendance.EXCUSED and not data.get("reason"):
            self.add_error("reason", _("Give the reason for the leave of absence."))
        return data


class AttendanceSheetForm(Styled):
    """签到 of every invitation row in one go: a status per row (empty where nothing is
    recorded yet: the secretary chooses), who attended for a unit, the reason for a leave."""

    def __init__(self, *args, invitees, **kwargs):
        self.invitees = list(invitees)
        choices = [("", "—"), *((a, label) for a, label in Attendance.choices if a)]
        initial = kwargs.setdefault("initial", {})
        for i in self.invitees:
            recorded = bool(i.attendance)
            initial.update(
                {
                    f"status_{i.pk}": i.attendance,
                    f"attended_by_{i.pk}": i.attended_by if recorded else i.substitute,
                    f"reason_{i.pk}": i.absence_reason
                    if recorded
                    else (i.response_comment if i.response == Response.DECLINED else ""),
                }
            )
        super().__init__(*args, **kwargs)
        for i in self.invitees:
            self.fields[f"status_{i.pk}"] = forms.ChoiceField(
                label=_("Attendance"), choices=choices, required=False
            )
            self.fields[f"attended_by_{i.pk}"] = forms.CharField(
                label=_("Attended by"), max_length=60, required=False
            )
            self.fields[f"reason_{i.pk}"] = forms.CharField(
                label=_("Reason for absence"), max_length=300, required=False
            )
        style(self)
        for name, field in self.fields.items():
            field.widget.attrs["class"] += (
                " form-select-sm" if name.startswith("status_") else " form-control-sm"
            )

    def row(self, invitee):
        """The row's three fields, bound."""
        return [self[f"{name}_{invitee.pk}"] for name in ("status", "attended_by", "reason")]

    def clean(self):
        data = super().clean()
        for i in self.invitees:
            if data.get(f"status_{i.pk}") == Attendance.EXCUSED and not data.get(f"reason_{i.pk}"):
                self.add_error(f"reason_{i.pk}", _("Give the reason for the leave of absence."))
        return data

    def changed_rows(self):
        """(invitee, status, attended by, reason) of the rows whose record the secretary
        changed; a row left at — is left as it is."""
        data = self.cleaned_data
        rows = []
        for i in self.invitees:
            status = data.get(f"status_{i.pk}") or ""
            attended_by = data.get(f"attended_by_{i.pk}") or ""
            reason = data.get(f"reason_{i.pk}") or ""
            if not status:
                continue
            if (status, attended_by, reason) != (i.attendance, i.attended_by, i.absence_reason):
                rows.append((i, status, attended_by, reason))
        return rows


class MinutesForm(Styled):
    text = forms.CharField(
        label=_("Text of the minutes"), required=False, widget=forms.Textarea(attrs={"rows": 10})
    )
    files = MultipleFileField(label=_("Minutes file (.docx, .pdf, .txt, .xlsx)"), required=False)
    version = _version_field()

    def clean_files(self):
        files = self.cleaned_data["files"]
        wrong = [f.name for f in files if Path(f.name).suffix.lower() not in SUFFIXES]
        if wrong:
            raise forms.ValidationError(
                _("“%(name)s” is not a .txt, .docx, .xlsx or .pdf file.")
                % {"name": "、".join(wrong)}
            )
        return files


class ProposeForm(Styled):
    """识别议定事项: on the minutes' text, or on a file uploaded here."""

    upload = forms.FileField(label=_("Minutes file (.docx, .pdf, .txt, .xlsx)"), required=False)


class DecisionForm(forms.Form):
    """A decision written by hand, changed, or a proposal accepted with corrections."""

    title = forms.CharField(label=_("Title"), max_length=200)
    body = forms.CharField(
        label=_("Details"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    lead_unit = forms.ModelChoiceField(Unit.objects.none(), label=_("Lead unit"), required=False)
    responsible_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label=_("Responsible units"), required=False
    )
    cooperating_units = forms.ModelMultipleChoiceField(
        Unit.objects.none(), label=_("Cooperating units"), required=False
    )
    deadline = forms.DateField(label=_("Deadline"), required=False, widget=DateInput)
    deadline_working_days = forms.IntegerField(
        label=_("Or working days"), required=False, min_value=1
    )
    version = _version_field()

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organisation=organisation)
        for name in ("lead_unit", "responsible_units", "cooperating_units"):
            self.fields[name].queryset = units
        style(self)
        searchable_choices(self)

    def service_kwargs(self):
        data = dict(self.cleaned_data)
        data.pop("version")
        return data


class CountersignForm(Styled):
    """会签: 同意 with an optional opinion, 不同意 with a required one. No version, like the
    回执: each unit answers for itself."""

    agree = forms.TypedChoiceField(
        label=_("Answer"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("Agree")), ("no", _("Disagree"))],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Opinion"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self):
        data = super().clean()
        if data.get("agree") is False and not (data.get("comment") or "").strip():
            self.add_error("comment", _("Say why your unit disagrees."))
        return data


class ActionForm(Styled):
    comment = forms.CharField(
        label=_("Comment"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    version = _version_field()


class NoticeForm(ActionForm):
    """发会议通知: the notice as the secretariat words it (the usual wording to start from)."""

    text = forms.CharField(
        label=_("Notice"), required=False, widget=forms.Textarea(attrs={"rows": 8})
    )


class FilesForm(Styled):
    files = MultipleFileField(label=_("Add materials"))
    version = _version_field()


# ---- mechanisms ------------------------------------------------------------------------


class MechanismForm(forms.Form):
    name = forms.CharField(label=gettext_lazy("Name"), max_length=200)
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=MechanismKind.choices)
    convening_unit = forms.ModelChoiceField(
        label=gettext_lazy("Convening unit"), queryset=Unit.objects.none()
    )
    member_units = forms.ModelMultipleChoiceField(
        label=gettext_lazy("Member units"), queryset=Unit.objects.none(), required=False
    )
    description = forms.CharField(
        label=gettext_lazy("Purpose"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    rules_text = forms.CharField(
        label=gettext_lazy("Rules"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 6}),
    )
    countersign_working_days = forms.IntegerField(
        label=gettext_lazy("Working days to countersign"), min_value=1, max_value=60
    )
    active = forms.BooleanField(label=gettext_lazy("Active"), required=False, initial=True)

    def __init__(self, *args, organisation, editing=False, **kwargs):
        super().__init__(*args, **kwargs)
        units = Unit.objects.filter(organisation=organisation).order_by("code")
        self.fields["convening_unit"].queryset = units
        self.fields["member_units"].queryset = units
        self.fields["member_units"].widget.attrs["size"] = 6
        if editing:
            # Members are kept on the mechanism's page, one by one, with their contacts.
            del self.fields["member_units"]
            self.fields["version"] = _version_field()
        else:
            del self.fields["active"]
        style(self)
        searchable_choices(self)


class MemberForm(forms.Form):
    unit = forms.ModelChoiceField(label=gettext_lazy("Unit"), queryset=Unit.objects.none())
    role = forms.ChoiceField(
        label=gettext_lazy("Part"), choices=MemberRole.choices, initial=MemberRole.MEMBER
    )
    contact_name = forms.CharField(
        label=gettext_lazy("Contact person"), max_length=60, required=False
    )
    contact_phone = forms.CharField(
        label=gettext_lazy("Contact phone"), max_length=30, required=False
    )
    countersigns = forms.BooleanField(
        label=gettext_lazy("Countersigns the minutes"), required=False, initial=True
    )

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(organisation=organisation).order_by(
            "code"
        )
        style(self)
        searchable_choices(self)


class MechanismFilesForm(forms.Form):
    """The mechanism's rules documents (工作规则, 制度文件)."""

    files = MultipleFileField(label=gettext_lazy("Rules documents"), required=False)

    def clean_files(self):
        if not self.cleaned_data["files"]:
            raise forms.ValidationError(_("Choose the files to upload."))
        return self.cleaned_data["files"]


class VersionForm(forms.Form):
    """Only the page's version: for buttons that send nothing else (删除照片)."""

    version = _version_field()


class PlanLineForm(forms.Form):
    month = forms.TypedChoiceField(
        label=gettext_lazy("Month"), coerce=int, choices=[(m, m) for m in range(1, 13)]
    )
    kind = forms.ChoiceField(label=gettext_lazy("Kind"), choices=MeetingKind.choices)
    topic = forms.CharField(label=pgettext_lazy("meeting", "Topic"), max_length=200)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        style(self)


# ---- exchange events ---------------------------------------------------------------------


class SpeakersForm(forms.Form):
    """交流发言, one a line: ``单位或姓名｜交流主题``, or ``单位｜发言人｜交流主题``."""

    speakers = forms.CharField(
        label=gettext_lazy("Speakers"),
        required=False,
        max_length=30000,
        widget=forms.Textarea(attrs={"rows": 8, "class": "form-control"}),
        help_text=gettext_lazy(
            "One a line: “unit or name｜topic”, or “unit｜speaker｜topic”. A unit is written by "
            "its code, name or short name. An empty box removes every speaker."
        ),
    )
    version = _version_field(required=False)

    def __init__(self, *args, organisation, **kwargs):
        super().__init__(*args, **kwargs)
        word_limits(self)
        self.organisation = organisation

    def clean_speakers(self):
        lines = [line.strip() for line in self.cleaned_data["speakers"].splitlines()]
        lines = [(n, line) for n, line in enumerate(lines, 1) if line]
        if len(lines) > MAX_SPEAKERS:
            raise forms.ValidationError(
                _("At most %(limit)d speakers, please.") % {"limit": MAX_SPEAKERS}
            )
        units = Unit.objects.filter(organisation=self.organisation).by_name() if lines else {}
        speakers, errors = [], []
        for n, line in lines:
            speaker, error = _speaker(line, units)
            if error:
                errors.append(_("Line %(n)d: %(error)s") % {"n": n, "error": error})
            else:
                speakers.append(speaker)
        if errors:
            raise forms.ValidationError(errors)
        return speakers


def _speaker(line, units):
    """(a speaker for services.set_speakers, None) or (None, what is wrong with the line)."""
    parts = [p.strip() for p in SPEAKER_SEPARATOR.split(line)]
    if len(parts) not in (2, 3):
        return None, _("write “unit or name｜topic” or “unit｜speaker｜topic”.")
    who, topic = parts[0], parts[-1]
    if not who:
        return None, _("name the speaker or their unit before the ｜.")
    if not topic:
        return None, _("say what the speaker shared after the ｜.")
    unit = units.get(who)
    if len(parts) == 3:
        if unit is None:
            return None, _("no unit is called “%(name)s”.") % {"name": who}
        return {"unit": unit, "name": parts[1], "topic": topic}, None
    if unit is not None:
        return {"unit": unit, "topic": topic}, None
    return {"name": who, "topic": topic}, None


def speakers_text(speakers):
    """The speakers as the form writes them, to edit them again."""
    lines = []
    for s in speakers:
        who = [str(s.unit), s.name] if s.unit_id and s.name else [str(s.unit or s.name)]
        lines.append("｜".join([*who, s.topic]))
    return "\n".join(lines)


class ReportForm(forms.Form):
    """活动简报 and the photos of the event."""

    report = forms.CharField(
        label=gettext_lazy("Short report"),
        required=False,
        max_length=20000,
        widget=forms.Textarea(attrs={"rows": 10, "class": "form-control"}),
    )
    photos = MultipleFileField(
        label=gettext_lazy("Add photos"),
        required=False,
        help_text=gettext_lazy("Photos of the event (.jpg, .png); they are added to those above."),
    )
    version = _version_field(required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        word_limits(self)
        self.fields["photos"].widget.attrs.update(
            {"class": "form-control", "accept": ",".join(PHOTO_SUFFIXES)}
        )

    def clean_photos(self):
        photos = self.cleaned_data["photos"]
        wrong = [p.name for p in photos if Path(p.name).suffix.lower() not in PHOTO_SUFFIXES]
        if wrong:
            raise forms.ValidationError(
                _("Only photos (%(types)s) here: %(names)s.")
                % {"types": " ".join(PHOTO_SUFFIXES), "names": "、".join(wrong)}
            )
        return photos


class HandOverForm(forms.Form):
    """转建言献策: a suggestion made at the event."""

    title = forms.CharField(label=gettext_lazy("Title"), max_length=200)
    body = forms.CharField(label=gettext_lazy("What was suggested"), max_length=20000)
    submitter_name = forms.CharField(label=gettext_lazy("Made by"), max_length=100, required=False)

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        word_limits(self)


def unseen_errors(form):
    """The message for the top of the page: the errors no field shows (the form's own, its
    hidden fields'); a field's error shows under the field only, so the top just points there."""
    hidden = {f.name for f in form.hidden_fields()}
    unseen = [
        str(e)
        for name, errors in form.errors.items()
        if name == "__all__" or name in hidden
        for e in errors
    ]
    return " ".join(unseen) or _("Please correct what is marked below.")
