"""Every page knows the site's and the newspaper's names."""

from django.test import RequestFactory, override_settings

from archive.context_processors import site


@override_settings(SITE_TITLE="某档案", NEWSPAPER_NAME="某某日报")
def test_site_names_come_from_settings():
    assert site(RequestFactory().get("/")) == {
        "SITE_TITLE": "某档案",
        "NEWSPAPER_NAME": "某某日报",
    }
