"""The ledger's orders: the default one (running tasks first, finished ones last) and the
columns' sorts, each read from an index at scale.

A rank is a CASE over one column with literal values, not query parameters: SQLite uses an
index on an expression only for the same expression as written, and a parameter is not the
literal the index was built with. The default rank has its index (``task_rank_order``); a
filter that pins a rank to one value (``status=closed``) drops it from the order, which is
then the older indexes' (deadline, number).
"""

import re

from django.db.models import F, Func, SmallIntegerField
from django.utils.translation import gettext_lazy as _

from .choices import Light, Status

SAFE_VALUE = re.compile(r"^[a-z_]+$")


class Rank(Func):
    """``CASE WHEN column IN (…) THEN 0 WHEN … THEN 1 … ELSE n END`` for ``groups``, a tuple of
    tuples of the column's values, most urgent first; other values rank last."""

    column = None
    groups = ()
    output_field = SmallIntegerField()

    def __init__(self, **extra):
        super().__init__(F(self.column), **extra)

    @classmethod
    def sql_template(cls):
        cases = []
        for rank, values in enumerate(cls.groups):
            assert all(SAFE_VALUE.match(v) for v in values), values  # literals in SQL
            listed = ", ".join(f"'{v}'" for v in values)
            cases.append(f"WHEN %(expressions)s IN ({listed}) THEN {rank}")
        return f"CASE {' '.join(cases)} ELSE {len(cls.groups)} END"

    def as_sql(self, compiler, connection, **extra_context):
        extra_context.setdefault("template", self.sql_template())
        return super().as_sql(compiler, connection, **extra_context)

    @classmethod
    def rank_of(cls, value):
        for rank, values in enumerate(cls.groups):
            if value in values:
                return rank
        return len(cls.groups)


class LedgerRank(Rank):
    """The default order's first key: running (the deadline runs, so the overdue come first
    by deadline), then not yet assigned (立项, 审核通过), then finished (销号, 中止)."""

    column = "status"
    groups = (
        tuple(sorted(Status.open_states())),
        (Status.APPROVED.value, Status.DRAFT.value),
    )


class StatusRank(Rank):
    """The status column's sort: the lifecycle's order."""

    column = "status"
    groups = tuple((s.value,) for s in Status)


class LightRank(Rank):
    """The light column's sort: most urgent first (red, yellow, blue, green, none)."""

    column = "light"
    groups = tuple((light.value,) for light in (Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN))


# Lights other than NONE belong to running tasks only (lights.compute_light, on every save).
LIT = {Light.RED, Light.YELLOW, Light.BLUE, Light.GREEN}

# The columns' sorts: the rank a column sorts by (or None), then the keys after it.
SORTS = {
    "number": (None, ["number"]),
    "deadline": (None, ["deadline", "number"]),
    "status": (StatusRank, ["deadline", "number"]),
    "light": (LightRank, ["deadline", "number"]),
}


SORT_CHOICES = [
    ("number", _("Number, ascending")),
    ("-number", _("Number, descending")),
    ("deadline", _("Deadline, earliest first")),
    ("-deadline", _("Deadline, latest first")),
    ("status", _("Status, in the lifecycle's order")),
    ("-status", _("Status, in reverse")),
    ("light", _("Light, most urgent first")),
    ("-light", _("Light, least urgent first")),
]


def _pinned(rank, statuses, lights):
    """Whether the filters leave every row with the same ``rank``."""
    if rank.column == "status" and statuses:
        return len({rank.rank_of(s) for s in statuses}) == 1
    if rank.column == "light" and lights:
        return len({rank.rank_of(light) for light in lights}) == 1
    # Lit tasks are running ones: one rank of the default order.
    return rank is LedgerRank and bool(lights) and set(lights) <= LIT


def ledger_order(sort="", *, statuses=(), lights=()):
    """The ORDER BY of the ledger for ``sort`` ("" for the default, "-deadline" and so on),
    given the statuses and lights the rows are filtered to."""
    descending = sort.startswith("-")
    if sort.lstrip("-") in SORTS:
        rank, keys = SORTS[sort.lstrip("-")]
    else:
        rank, keys, descending = LedgerRank, ["deadline", "number"], False
    order = [F(key) for key in keys]
    if rank is not None and not _pinned(rank, statuses, lights):
        order.insert(0, rank())
    # Every key the same way, so that the index is read backwards for a descending sort.
    return [key.desc() if descending else key.asc() for key in order]
