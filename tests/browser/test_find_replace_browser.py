"""A reviewer previews an archive-wide replacement and applies part of it, in a real browser."""

import pytest
from django.contrib.auth.models import Group

from articles.editing import corrections
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_preview_and_partial_apply(
    browser, live_server, make_article, django_user_model
):
    made = [
        make_article(title=f"第{i}篇", body=f"第{i}篇里的人会问题。") for i in range(3)
    ]
    for a in made:
        corrections.record_import(a)
    user = django_user_model.objects.create_user(
        "shen", password="correct-horse", is_staff=True
    )
    user.groups.add(Group.objects.get(name="审校"))
    context = browser.new_context()
    try:
        replace_in_browser(context.new_page(), live_server)
    finally:
        context.close()


def replace_in_browser(page, live_server):
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", "shen")
    page.fill("#id_password", "correct-horse")
    page.click("input[type=submit]")
    page.goto(f"{live_server.url}/admin/articles/article/replace/")
    page.fill("#id_pattern", "人会")
    page.fill("#id_replacement", "入会")
    page.click("button:has-text('预览')")
    assert "共 3 处，3 篇文章" in page.inner_text("#content")
    assert page.locator("td.context mark").count() == 3
    page.locator("input[name=match]").nth(1).uncheck()
    page.fill("#id_note", "人会→入会")
    page.click("button:has-text('替换所勾选的匹配')")
    page.wait_for_selector(".messagelist .success")
    bodies = sorted(Article.objects.values_list("body", flat=True))
    assert (
        sum("入会" in b for b in bodies) == 2 and sum("人会" in b for b in bodies) == 1
    )
