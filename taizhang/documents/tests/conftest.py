import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from conftest import PASSWORD
from taizhang.documents.models import SourceDocument


@pytest.fixture
def office(client, people):
    """The test client, logged in as the organisation's supervisor."""
    client.login(username=people["supervisor"].username, password=PASSWORD)
    return client


@pytest.fixture
def upload_text(office, django_capture_on_commit_callbacks):
    """Upload a text through the page and read it (the background job runs at once)."""

    def upload(text, name="document.txt", title=""):
        with django_capture_on_commit_callbacks(execute=True):
            response = office.post(
                reverse("documents:list"),
                {"file": SimpleUploadedFile(name, text.encode("utf-8")), "title": title},
            )
        assert response.status_code == 302, response.content.decode()
        return SourceDocument.objects.latest("pk")

    return upload
