"""Who may do what in the talent pool, as readable predicates (seeing is ``visible_to``)."""

from taizhang.org.choices import Role

from .models import is_keeper

__all__ = ["can_grant_keepers", "can_manage", "can_unmask", "is_keeper", "may_be_keeper"]


def can_manage(user):
    """Create and edit profiles, record path events, import rosters: the keepers."""
    return is_keeper(user)


def can_unmask(user, person):
    return is_keeper(user) and person.organisation_id == user.organisation_id


def can_grant_keepers(user):
    """Privileges are the security administrator's in 三员分立."""
    return user.is_authenticated and user.role == Role.SECURITY and user.organisation_id is not None


def may_be_keeper(user):
    """The organisation's staff only: an administrator of 三员分立 sees no business data, and
    a submitter is someone the pool may hold, not one who keeps it."""
    return user.is_active and user.role in Role.staff()
