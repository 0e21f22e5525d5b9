"""Withdrawal reaches every public surface: a withdrawn article and its author are nowhere."""

import pytest

from articles.models import Author

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("path", ["/articles/?author={id}", "/charts/?author={id}"])
def test_a_hand_made_filter_url_does_not_name_the_withdrawn_author(
    archive_in_use, client, path
):
    author = Author.objects.get(name=archive_in_use.withdrawn_author)
    response = client.get(path.format(id=author.pk))
    assert response.status_code == 200
    assert archive_in_use.withdrawn_author not in response.content.decode()
