"""Two editors on one article over HTTP (CSRF-checked forms): nobody's word is lost."""

import pytest
from django.contrib.auth.models import Group
from django.test import Client
from django.urls import reverse
from lxml import html

from articles.editing import corrections
from articles.models import Article
from tests.forms import form_data

BODY = "新就业形态劳动者人会率仍有待提升。\n\n工会要加强服务，扩大覆盖面。"


@pytest.fixture
def article(make_article):
    article = make_article(title="劳动者入会", body=BODY)
    corrections.record_import(article)
    return article


@pytest.fixture
def editors(django_user_model):
    clients = []
    for name in ("jia", "yi"):
        user = django_user_model.objects.create_user(name, is_staff=True)
        user.groups.add(Group.objects.get(name="编辑"))
        client = Client(enforce_csrf_checks=True)
        client.force_login(user)
        clients.append(client)
    return clients


def opened(client, article):
    url = reverse("admin:articles_article_correct", args=[article.pk])
    return url, form_data(client.get(url), form="correction-form")


def submit(client, url, data, **changes):
    response = client.post(url, {**data, **changes})
    assert response.status_code in (200, 302), response.status_code
    return response


def body():
    return Article.objects.get().body


def test_non_overlapping_edits_are_both_in_the_text_whatever_is_re_submitted(
    article, editors
):
    jia, yi = editors
    url, jia_form = opened(jia, article)
    _, yi_form = opened(yi, article)
    submit(jia, url, jia_form, body=BODY.replace("人会", "入会"), note="甲")
    response = submit(
        yi, url, yi_form, body=BODY.replace("服务", "服务工作"), note="乙"
    )
    assert response.status_code == 302
    assert "入会率" in body() and "服务工作" in body()
    # The screen that comes back shows both changes, and re-submitting it as it is
    # changes nothing.
    screen = yi.get(response["Location"])
    html = screen.content.decode()
    assert "合并结果" in html and "与修订 2 合并" in html
    assert '<ins class="diff-ins">入</ins>' in html
    assert '<ins class="diff-ins">工作</ins>' in html
    submit(yi, url, form_data(screen, form="correction-form"), note="再存一次")
    assert "入会率" in body() and "服务工作" in body()


def test_a_blind_re_submit_of_an_overlapping_edit_never_drops_the_first_word(
    article, editors
):
    jia, yi = editors
    url, jia_form = opened(jia, article)
    _, yi_form = opened(yi, article)
    submit(jia, url, jia_form, body=BODY.replace("人会", "入会"), note="甲")
    mine = BODY.replace("人会", "加入工会").replace("服务", "服务工作")
    response = submit(yi, url, yi_form, body=mine, note="乙")
    for _ in range(3):  # press 保存 again and again on whatever comes back
        assert response.status_code == 200
        html = response.content.decode()
        assert "重叠的改动（1 处）" in html
        assert "入会率" in body() and "服务工作" not in body()
        response = submit(yi, url, form_data(response, form="correction-form"))
    # Choosing per spot saves: here 甲's word, with 乙's other change merged.
    data = form_data(response, form="correction-form")
    response = submit(yi, url, data, **{"spot-choice-1": "theirs"})
    assert response.status_code == 302
    assert "入会率" in body() and "服务工作" in body() and "加入工会" not in body()


def test_a_spot_can_be_written_by_hand(article, editors):
    jia, yi = editors
    url, jia_form = opened(jia, article)
    _, yi_form = opened(yi, article)
    submit(jia, url, jia_form, body=BODY.replace("人会", "入会"), note="甲")
    response = submit(
        yi, url, yi_form, body=BODY.replace("人会", "加入工会"), note="乙"
    )
    data = form_data(response, form="correction-form")
    assert data["spot-hand-1"] == "加入工"  # the spot is 人; 会 follows it
    submit(yi, url, data, **{"spot-choice-1": "hand", "spot-hand-1": "入工"})
    assert "劳动者入工会率" in body()


def test_a_suggestion_accepted_on_a_stale_screen_is_merged(article, editors):
    jia, yi = editors
    url, jia_form = opened(jia, article)
    page = html.fromstring(yi.get(url).content.decode())
    [form] = [
        f
        for f in page.forms
        if f.get("action", "").endswith("/suggestion/")
        and "人会" in f.getparent().text_content()
    ]
    accept = {**dict(form.form_values()), "action": "accept"}
    submit(jia, url, jia_form, body=BODY.replace("服务", "服务工作"), note="甲")
    response = yi.post(form.get("action"), accept)
    assert response.status_code == 302
    assert "入会率" in body() and "服务工作" in body()
    assert "与修订 2 合并" in Article.objects.get().revisions.first().note
