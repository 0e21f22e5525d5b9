"""An editor corrects an article in a real browser; a second editor hits the conflict."""

import pytest
from django.contrib.auth.models import Group

from articles.editing import corrections
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def article(make_article):
    article = make_article(
        title="劳动者入会",
        body="新就业形态劳动者人会率仍有待提升。\n\n工会要做好服务工做。",
        original_ocr="新就业形态劳动者人会率仍 有待提升.\n\n工会要做好服务工做.",
    )
    corrections.record_import(article)
    return article


def editor(django_user_model, name):
    user = django_user_model.objects.create_user(
        name, password="correct-horse", is_staff=True
    )
    user.groups.add(Group.objects.get(name="编辑"))
    return user


def login(context, live_server, username):
    page = context.new_page()
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return page


def test_editor_accepts_a_suggestion_fixes_a_word_and_sees_history(
    browser, live_server, article, django_user_model
):
    editor(django_user_model, "jia")
    editor(django_user_model, "yi")
    contexts = [browser.new_context(), browser.new_context()]
    try:
        run_two_editors(contexts, live_server, article)
    finally:
        for context in contexts:
            context.close()


def run_two_editors(contexts, live_server, article):
    first = login(contexts[0], live_server, "jia")
    second = login(contexts[1], live_server, "yi")
    url = f"{live_server.url}/admin/articles/article/{article.pk}/correct/"

    first.goto(url)
    suggestion = first.locator(".suggestion", has_text="入会")
    suggestion.get_by_role("button", name="采纳").click()
    first.wait_for_selector(".messagelist .success")
    assert "入会率" in first.input_value("textarea[name=body]")

    second.goto(url)  # the second editor opens the same version

    body = first.input_value("textarea[name=body]").replace("服务工做", "服务工作")
    first.fill("textarea[name=body]", body)
    first.fill("input[name=note]", "工做→工作")
    first.keyboard.press("Control+s")
    first.wait_for_selector(".messagelist .success")

    first.click("text=修订历史")
    history = first.locator("table.revisions").inner_text()
    assert "采纳建议" in history and "工做→工作" in history and "jia" in history

    second.fill("textarea[name=body]", "乙编辑的版本。")
    second.fill("input[name=note]", "乙的修改")
    second.click("button:has-text('保存修改')")
    second.wait_for_selector(".conflict")
    assert "jia" in second.locator(".conflict").inner_text()
    assert second.input_value("textarea[name=body]") == "乙编辑的版本。"
    stored = Article.objects.get(pk=article.pk)
    assert "服务工作" in stored.body and "入会率" in stored.body
