"""A reviewer looks at what the suggestions learned and switches a pair off, in a real browser."""

import pytest
from django.contrib.auth.models import Group

from archive.models import LearnedCorrection

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_the_learned_corrections_screen(page, live_server, django_user_model):
    user = django_user_model.objects.create_user(
        "shenjiao", password="correct-horse", is_staff=True
    )
    user.groups.add(Group.objects.get(name="审校"))
    LearnedCorrection.record("工做", "工作", user=user, context="要做好服务工做。")
    LearnedCorrection.rejected("工做", "工作")
    page.goto("/admin/login/")
    page.fill("#id_username", "shenjiao")
    page.fill("#id_password", "correct-horse")
    page.click("input[type=submit]")
    page.wait_for_url("**/admin/")
    page.goto("/admin/archive/learnedcorrection/")
    row = page.locator("#result_list tbody tr").first
    text = row.inner_text()
    assert "工做 → 工作" in text and "要做好服务工做。" in text and "shenjiao" in text
    row.locator("input[type=checkbox][name$=active]").uncheck()
    page.click("input[name=_save]")
    page.wait_for_selector(".messagelist")
    assert ("工做", "工作") not in LearnedCorrection.pairs()
