import io

import pytest
from django.core.management import call_command
from django.db import transaction


@pytest.fixture(scope="package")
def demo(django_db_setup, django_db_blocker):
    """The demo loaded once for this package (a load takes a minute, longer on PostgreSQL),
    and what the command printed. Each test runs in its own savepoint inside this
    transaction, so none sees what another changed; all is rolled back at the end."""
    out = io.StringIO()
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)
