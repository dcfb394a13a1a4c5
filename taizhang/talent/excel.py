"""The pool as an Excel roster (花名册), both ways, in the layout of the ledger's sheets.

Export writes the filtered people, sensitive fields masked unless the reader keeps the pool;
every export is logged, person by person. Import reads the same layout (the computed 培养阶段
is ignored) and adds every row as a profile, or none: each bad row is listed with its number
and reason. The reading is the ledger's: streamed, bounded in size, rows and columns.
"""

import re

from django.conf import settings
from django.db import transaction
from django.http import HttpResponse
from django.utils import timezone
from django.utils.translation import gettext as _

from taizhang.org.models import Unit
from taizhang.utils import excel as sheets
from taizhang.utils.errors import NotAllowed, WorkflowError
from taizhang.utils.excel import XLSX, Ledger, check_export_rows
from taizhang.utils.text import clean_text

from . import identity, rules, services
from .choices import AccessKind, Affiliation, Gender, Party, Stage
from .models import Person

__all__ = ["XLSX", "ImportFailed", "export_response", "import_upload", "template_response"]

# Chinese labels are the layout's, whatever the user's language.
GENDER_LABELS = {Gender.MALE: "男", Gender.FEMALE: "女"}
AFFILIATION_LABELS = {
    Affiliation.DEMOCRATIC_PARTY: "民主党派",
    Affiliation.NON_PARTY: "无党派人士",
    Affiliation.INTELLECTUAL: "党外知识分子",
    Affiliation.NEW_SOCIAL_CLASS: "新的社会阶层人士",
    Affiliation.OTHER: "其他",
}
PARTY_LABELS = {
    Party.RCCK: "民革",
    Party.CDL: "民盟",
    Party.CNDCA: "民建",
    Party.CAPD: "民进",
    Party.CPWDP: "农工党",
    Party.ZGD: "致公党",
    Party.JIUSAN: "九三学社",
    Party.TDSGL: "台盟",
}
# Other ways a cell names a party or an affiliation.
PARTY_ALIASES = {
    "中国国民党革命委员会": Party.RCCK,
    "中国民主同盟": Party.CDL,
    "中国民主建国会": Party.CNDCA,
    "中国民主促进会": Party.CAPD,
    "中国农工民主党": Party.CPWDP,
    "农工民主党": Party.CPWDP,
    "中国致公党": Party.ZGD,
    "台湾民主自治同盟": Party.TDSGL,
}
AFFILIATION_ALIASES = {"无党派": Affiliation.NON_PARTY, "新阶层": Affiliation.NEW_SOCIAL_CLASS}
STAGE_LABELS = {Stage.CULTIVATION: "培养", Stage.SELECTION: "选拔", Stage.USE: "使用"}

# (header, field, width): the roster's columns, in order.
COLUMNS = [
    ("姓名", "name", 10),
    ("性别", "gender", 6),
    ("出生年份", "birth_year", 9),
    ("民族", "ethnicity", 8),
    ("政治面貌", "affiliation", 14),
    ("所属党派", "party", 10),
    ("单位", "unit", 22),
    ("工作单位", "employer", 22),
    ("职务", "post", 16),
    ("职称", "title", 14),
    ("专业领域", "expertise", 20),
    ("学历", "education", 10),
    ("联系电话", "phone", 14),
    ("电子邮箱", "email", 22),
    ("身份证号", "id_number", 21),
    ("培养阶段", "stage", 9),
    ("备注", "notes", 30),
]
HEADERS = [header for header, _field, _width in COLUMNS]
IMPORTED = [c for c in COLUMNS if c[1] != "stage"]
HEADER_SEARCH_ROWS = 10
MAX_COLUMNS = 40
TITLE = "党外代表人士和专家人才库花名册"


def _value(person, field, unmasked):
    if field in identity.MASKS:
        return getattr(person, field) if unmasked else person.masked(field)
    if field == "gender":
        return GENDER_LABELS.get(person.gender, "")
    if field == "affiliation":
        return AFFILIATION_LABELS[person.affiliation]
    if field == "party":
        return PARTY_LABELS.get(person.party, "")
    if field == "unit":
        return person.unit.name if person.unit_id else ""
    if field == "stage":
        return STAGE_LABELS.get(person.stage, "")
    value = getattr(person, field)
    return "" if value is None else value


def _sheet(title, note=""):
    ledger = Ledger()
    widths = [width for _h, _f, width in COLUMNS]
    return ledger, ledger.sheet("人才库", title, HEADERS, widths, note=note, freeze="B4")


def export_people(people, *, unmasked):
    """An .xlsx of the given people (already filtered and permitted), as bytes."""
    ledger, sheet = _sheet(TITLE, "" if unmasked else _("Sensitive fields masked"))
    for person in people:
        sheet.append([_value(person, field, unmasked) for _h, field, _w in COLUMNS])
    return ledger.save()


def _download(data, name):
    response = HttpResponse(data, content_type=XLSX)
    response["Content-Disposition"] = f'attachment; filename="{name}"'
    return response


@transaction.atomic
def export_response(people, *, by):
    """The export as a download, the same for the page and the API: unmasked for a keeper,
    masked for everyone else, and logged for everyone (who, when, whose, what)."""
    check_export_rows(people.count())
    people = list(people.select_related("unit").with_stage())
    unmasked = rules.is_keeper(by)
    data = export_people(people, unmasked=unmasked)
    services.record_access(people, by=by, kind=AccessKind.EXPORT, unmasked=unmasked)
    stamp = timezone.localtime().strftime("%Y%m%d-%H%M")
    return _download(data, f"talent-{stamp}.xlsx")


def template_response():
    """An empty roster with the headers and a line on how to fill them in."""
    note = (
        "每行一人；姓名必填。性别：男/女；政治面貌：民主党派、无党派人士、党外知识分子、新的社会阶层人士、其他；"
        "民主党派成员填所属党派（民革、民盟、民建、民进、农工党、致公党、九三学社、台盟）；"
        "单位填本组织的单位全称或简称，其他工作单位填“工作单位”；身份证号为18位。培养阶段由履历生成，导入时不读。"
    )
    ledger = _sheet(TITLE, note)[0]
    return _download(ledger.save(), "talent-template.xlsx")


# ---- import -------------------------------------------------------------------------------


class ImportFailed(sheets.ImportFailed):
    """The roster was not imported; ``errors`` lists every bad row, ``(row, message)``."""

    def __init__(self, errors):
        super().__init__(errors)
        self.message = _("Nobody was imported: %(count)d problem(s) found.") % {
            "count": len(errors)
        }
        self.args = (self.message,)


def read_rows(data):
    """The first sheet's rows, read as the ledger's import reads them (streamed, bounded)."""
    try:
        return sheets.read_rows(data, max_columns=MAX_COLUMNS, rows_above=HEADER_SEARCH_ROWS)
    except sheets.ImportFailed as failed:
        raise ImportFailed(failed.errors) from None


def _cell(row, columns, header):
    i = columns.get(header)
    if i is None or i >= len(row) or row[i] is None:
        return ""
    value = row[i]
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    return " ".join(clean_text(str(value)).split())


def _choice(text, labels, aliases, column, problems):
    if not text:
        return ""
    found = {label: value for value, label in labels.items()} | aliases
    if text in found:
        return found[text]
    problems.append(
        _("%(column)s “%(value)s” is not one of: %(choices)s.")
        % {"column": column, "value": text, "choices": "、".join(labels.values())}
    )
    return ""


def _row_fields(row, columns, units, problems):
    """One row as the keyword arguments of ``create_person``; its problems appended."""
    fields = {field: _cell(row, columns, header) for header, field, _w in IMPORTED}
    fields["gender"] = _choice(fields["gender"], GENDER_LABELS, {}, "性别", problems)
    affiliation = _choice(
        fields["affiliation"], AFFILIATION_LABELS, AFFILIATION_ALIASES, "政治面貌", problems
    )
    fields["party"] = _choice(fields["party"], PARTY_LABELS, PARTY_ALIASES, "所属党派", problems)
    if fields["party"] and not affiliation:
        affiliation = Affiliation.DEMOCRATIC_PARTY
    fields["affiliation"] = affiliation or Affiliation.OTHER
    year = fields["birth_year"]
    if year and not re.fullmatch(r"[0-9]{4}", year):
        problems.append(_("出生年份 “%(value)s” is not a year such as 1975.") % {"value": year})
        year = ""
    fields["birth_year"] = int(year) if year else None
    unit = fields["unit"]
    fields["unit"] = units.get(unit) if unit else None
    if unit and fields["unit"] is None:
        problems.append(_("单位 “%(name)s” is not a unit of this organisation.") % {"name": unit})
    if fields["id_number"]:
        fields["id_number"] = identity.normalise(fields["id_number"])
        if message := identity.problem(fields["id_number"]):
            problems.append(f"身份证号：{message}")
    return fields


def parse_roster(data, organisation):
    """``[(row number, fields)]`` of the sheet, and the problems found, ``[(row, message)]``."""
    rows = read_rows(data)
    header, columns = sheets.header_row(rows, "姓名", HEADER_SEARCH_ROWS)
    if header is None:
        raise ImportFailed([(None, _("No header row with “姓名” was found in the first sheet."))])
    if len(rows) - header - 1 > settings.TAIZHANG_IMPORT_MAX_ROWS:
        raise ImportFailed(
            [
                (
                    None,
                    _("The sheet has more than %(limit)d rows; split it into several files.")
                    % {"limit": settings.TAIZHANG_IMPORT_MAX_ROWS},
                )
            ]
        )
    units = Unit.objects.filter(organisation=organisation).by_name()
    known = dict(
        Person.objects.filter(organisation=organisation)
        .exclude(id_number="")
        .values_list("id_number", "name")
    )
    seen = {}
    parsed, errors = [], []
    for line, row in enumerate(rows[header + 1 :], start=header + 2):
        if not any(c not in (None, "") for c in row):
            continue
        problems = []
        fields = _row_fields(row, columns, units, problems)
        if not fields["name"]:
            problems.append(_("姓名 is empty."))
        number = fields["id_number"]
        if number and number in known:
            problems.append(
                _("身份证号 is already in the pool (%(name)s).") % {"name": known[number]}
            )
        elif number and number in seen:
            problems.append(_("身份证号 is the same as in row %(row)d.") % {"row": seen[number]})
        seen.setdefault(number, line)
        if not problems:  # the cells are readable: check the profile they make as a whole
            problems += services.problems(organisation, fields)
        errors += [(line, message) for message in problems]
        parsed.append((line, fields))
    if not parsed and not errors:
        errors.append((None, _("The sheet has no rows of people.")))
    return parsed, errors


def import_upload(upload, *, by):
    """Import an uploaded roster, refusing an oversized one before reading it into memory."""
    limit = settings.TAIZHANG_IMPORT_MAX_BYTES
    if upload.size > limit:
        raise ImportFailed(
            [(None, _("The file is larger than %(limit)s MB.") % {"limit": limit // 2**20})]
        )
    return import_roster(upload.read(), by=by)


def import_roster(data, *, by):
    """Add every row as a profile, or none of them. Returns the new people."""
    if not rules.can_manage(by):
        raise NotAllowed(_("Only a keeper of the talent pool may import a roster."))
    parsed, errors = parse_roster(data, by.organisation)
    if errors:
        raise ImportFailed(errors)
    created = []
    with transaction.atomic():  # ImportFailed raised inside rolls every row back
        for line, fields in parsed:
            try:
                created.append(
                    services.create_person(by=by, organisation=by.organisation, **fields)
                )
            except WorkflowError as exc:
                errors.append((line, exc.message))
        if errors:
            raise ImportFailed(errors)
    return created
