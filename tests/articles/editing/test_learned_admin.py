"""The learned-corrections screen: pair, where it came from, who, when, counts, on/off."""

import pytest
from django.contrib.auth.models import Group
from django.urls import reverse

from archive.models import LearnedCorrection
from articles.editing import corrections, suggestions
from articles.models import Article

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(client, django_user_model):
    user = django_user_model.objects.create_user("shenjiao", is_staff=True)
    user.groups.add(Group.objects.get(name="审校"))
    client.force_login(user)
    return user


def test_the_screen_lists_each_pair_with_its_history_and_switches_it_off(
    client, reviewer
):
    learned = LearnedCorrection.record(
        "工做", "工作", user=reviewer, context="服务工做。"
    )
    LearnedCorrection.record("工做", "工作")
    LearnedCorrection.rejected("工做", "工作")
    url = reverse("admin:archive_learnedcorrection_changelist")
    html = client.get(url).content.decode()
    for shown in ("工做 → 工作", "服务工做。", "shenjiao", "驳回次数", "采用次数"):
        assert shown in html
    response = client.post(
        url,
        {
            "form-TOTAL_FORMS": "1",
            "form-INITIAL_FORMS": "1",
            "form-0-id": str(learned.pk),
            "_save": "保存",
        },
    )  # the box unticked: switched off
    assert response.status_code == 302
    assert ("工做", "工作") not in LearnedCorrection.pairs()


def test_rejecting_a_learned_suggestion_is_counted(make_article, reviewer):
    LearnedCorrection.record("工做", "工作")
    article = make_article(title="题", body="要做好服务工做。")
    corrections.record_import(article)
    [found] = [
        s for s in suggestions.suggestions_for(article) if s["kind"] == "learned"
    ]
    suggestions.dismiss(article, found["key"])
    assert LearnedCorrection.objects.get(wrong="工做").times_rejected == 1
    assert Article.objects.get(pk=article.pk).dismissed_suggestions == [found["key"]]
