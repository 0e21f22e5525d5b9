"""Two editors in real browsers: a merged save shows both changes, a conflict is chosen per spot,
and the editing screens show no English code or raw JSON."""

import re

import pytest
from django.contrib.auth.models import Group

from articles.editing import corrections
from articles.models import Article

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

BODY = "新就业形态劳动者人会率仍有待提升。\n\n工会要做好服务工做。"
CODES = re.compile(
    r"\b[a-z]+_[a-z_]+\b|\b(doubled|confusion|learned|body|title|kicker|lede)\b"
)
RAW_JSON = re.compile(r'[{\[]\s*"|"\s*:\s*[\["{]|"code"|"message"')


@pytest.fixture
def article(make_article):
    article = make_article(
        title="劳动者入会",
        body=BODY,
        original_ocr="新就业形态劳动者人会率仍 有待提升.\n\n工会要做好服务工做.",
        review_flags=[
            {
                "code": "moved_text",
                "message": "标题印在版面别处，已按位置配给本文，请核对。",
            },
            {"code": "author_name_missing", "message": "署名中没有姓名。"},
        ],
    )
    corrections.record_import(article)
    return article


def editor(django_user_model, name, group="编辑", **extra):
    user = django_user_model.objects.create_user(
        name, password="correct-horse", is_staff=True, **extra
    )
    user.groups.add(Group.objects.get(name=group))
    return user


def login(browser, live_server, username):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    page.goto(f"{live_server.url}/admin/login/")
    page.fill("#id_username", username)
    page.fill("#id_password", "correct-horse")
    page.click("input[type=submit]")
    page.wait_for_url(f"{live_server.url}/admin/")
    return context, page


def save(page, body, note):
    page.fill("textarea[name=body]", body)
    page.fill("input[name=note]", note)
    page.click("button:has-text('保存修改')")


@pytest.fixture
def two_editors(browser, live_server, django_user_model):
    editor(django_user_model, "jia")
    editor(django_user_model, "yi")
    opened = [login(browser, live_server, name) for name in ("jia", "yi")]
    yield [page for _, page in opened]
    for context, _ in opened:
        context.close()


def test_a_merged_save_shows_both_changes(two_editors, live_server, article):
    first, second = two_editors
    url = f"{live_server.url}/admin/articles/article/{article.pk}/correct/"
    first.goto(url)
    second.goto(url)
    save(first, BODY.replace("人会", "入会"), "人会→入会")
    first.wait_for_selector(".messagelist .success")
    save(second, BODY.replace("服务工做", "服务工作"), "工做→工作")
    second.wait_for_selector(".merged")
    merged = second.locator(".merged")
    assert merged.locator("ins", has_text="入").count() >= 1
    assert merged.locator("ins", has_text="作").count() >= 1
    assert "与修订 2 合并" in second.locator(".messagelist").inner_text()
    stored = Article.objects.get(pk=article.pk).body
    assert "入会率" in stored and "服务工作" in stored


def test_an_overlapping_conflict_is_resolved_by_choosing_per_spot(
    two_editors, live_server, article
):
    first, second = two_editors
    url = f"{live_server.url}/admin/articles/article/{article.pk}/correct/"
    first.goto(url)
    second.goto(url)
    save(first, BODY.replace("人会", "入会"), "人会→入会")
    first.wait_for_selector(".messagelist .success")
    save(second, BODY.replace("人会", "加入").replace("服务工做", "服务工作"), "乙")
    second.wait_for_selector(".spots")
    spot = second.locator("#spot-1")
    assert "原来" in spot.inner_text() and "对方" in spot.inner_text()
    # Saving without a choice is stopped; the first editor's word stays.
    second.click("button:has-text('保存修改')")
    assert "入会率" in Article.objects.get(pk=article.pk).body
    spot.get_by_label("保留对方的").check()
    second.click("button:has-text('保存修改')")
    second.wait_for_selector(".messagelist .success")
    stored = Article.objects.get(pk=article.pk).body
    assert "入会率" in stored and "服务工作" in stored and "加入" not in stored


def visible_text(page) -> str:
    return page.locator("#content").inner_text()


def test_editing_screens_show_no_english_code_or_raw_json(
    browser, live_server, article, django_user_model
):
    editor(django_user_model, "boss", group="审校", is_superuser=True)
    corrections.save_correction(
        Article.objects.get(pk=article.pk),
        editor=None,
        base_version=1,
        changes={"title": "劳动者的入会"},
        note="改题",
    )
    context, page = login(browser, live_server, "boss")
    try:
        base = f"{live_server.url}/admin/articles/article/{article.pk}"
        for path in ("/correct/", "/revisions/", "/change/", "/revisions/1/revert/"):
            page.goto(base + path)
            text = visible_text(page)
            assert not CODES.search(text), (path, CODES.search(text).group(0))
            assert not RAW_JSON.search(text), (path, RAW_JSON.search(text).group(0))
        page.goto(base + "/correct/")
        text = visible_text(page)
        assert "文字移位" in text and "缺少作者姓名" in text
        page.goto(base + "/revisions/")
        assert "标题" in page.locator("table.revisions").inner_text()
    finally:
        context.close()
