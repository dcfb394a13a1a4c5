"""The shared lifecycle: a table an app declares, checked the same way for every app."""

from types import SimpleNamespace

from taizhang.utils.lifecycle import Lifecycle, Transition

TABLE = Lifecycle(
    [
        Transition("accept", frozenset({"received"}), "accepted", roles=frozenset({"staff"})),
        Transition("rate", frozenset({"replied"}), None, parts=frozenset({"submitter"})),
    ],
    verbs={"accept": "受理", "rate": "评价"},
    state_label=str,
    parts=lambda user, record, parts: ["submitter"] if user.pk == record.author_id else [],
)


def person(pk, role, org=1):
    return SimpleNamespace(pk=pk, role=role, organisation_id=org, is_authenticated=True)


def record(status, author_id=7, org=1):
    return SimpleNamespace(status=status, author_id=author_id, organisation_id=org)


def test_roles_parts_states_and_organisations():
    staff, author, other = person(1, "staff"), person(7, "submitter"), person(8, "submitter")
    assert TABLE.can(staff, "accept", record("received"))
    assert "受理" in TABLE.why_not(staff, "accept", record("replied"))
    assert TABLE.why_not(author, "accept", record("received"))
    assert TABLE.can(author, "rate", record("replied"))
    assert not TABLE.can(other, "rate", record("replied"))
    assert not TABLE.can(person(1, "staff", org=2), "accept", record("received"))
    assert TABLE.available(author, record("replied")) == [("rate", "评价")]


def test_enter_moves_to_the_target_or_stays():
    item = record("received")
    assert TABLE.enter(item, "accept") == "received" and item.status == "accepted"
    item = record("replied")
    TABLE.enter(item, "rate")
    assert item.status == "replied"
