"""The article list at 1280 px: a readable title column, the last-editor filter, nothing wider."""

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_article_list_fits_1280_px_with_readable_titles(
    page, seed_archive, django_user_model
):
    from articles.editing import corrections
    from articles.models import Article

    user = django_user_model.objects.create_superuser("chief", password="correct-horse")
    article = Article.objects.order_by("pk").first()
    corrections.save_correction(
        article,
        editor=user,
        base_version=article.version,
        changes={"title": article.title + "（改）"},
        note="改题",
    )
    page.goto("/admin/login/")
    page.fill("#id_username", "chief")
    page.fill("#id_password", "correct-horse")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto("/admin/articles/article/")
    widths = page.evaluate(
        """() => ({
            page: document.documentElement.scrollWidth,
            viewport: window.innerWidth,
            title: document.querySelector(
              '#result_list td.field-title, #result_list th.field-title'
            ).getBoundingClientRect().width,
        })"""
    )
    assert widths["page"] <= widths["viewport"], widths
    assert widths["title"] >= 220, widths
    filters = page.locator("#changelist-filter").inner_text()
    assert "最后校对者" in filters
