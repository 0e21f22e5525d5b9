"""`setup_archive`: imports the pages given, builds the index, keeps one staff login and, for
the local demo, one 编辑 and one 审校."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command
from haystack.query import SearchQuerySet

from archive.management.commands.setup_archive import STAFF_USERNAME
from archive.models import Issue
from articles.models import Article
from tests.conftest import SEED_PAGES

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def private_var(settings, tmp_path):
    settings.VAR_DIR = tmp_path


def run(*paths) -> str:
    out = StringIO()
    call_command("setup_archive", *map(str, paths), stdout=out, stderr=out)
    return out.getvalue()


def login_password(output: str) -> str:
    line = next(x for x in output.splitlines() if STAFF_USERNAME in x)
    return line.rsplit(" / ", 1)[1]


def test_imports_indexes_and_prints_a_working_staff_login(tmp_path):
    output = run(*SEED_PAGES)
    assert Issue.objects.count() == len(SEED_PAGES)
    public = Article.objects.public().count()
    assert public and SearchQuerySet().models(Article).count() == public
    password = login_password(output)
    user = get_user_model().objects.get(username=STAFF_USERNAME)
    assert user.is_staff and user.is_superuser and user.check_password(password)
    assert (tmp_path / "staff_password").stat().st_mode & 0o077 == 0


def test_running_again_changes_nothing(tmp_path):
    first = login_password(run(*SEED_PAGES))
    articles = Article.objects.count()
    second = run(*SEED_PAGES)
    assert login_password(second) == first
    assert Article.objects.count() == articles
    assert get_user_model().objects.filter(username=STAFF_USERNAME).count() == 1


def test_a_lost_password_file_gets_a_new_password(tmp_path):
    first = login_password(run())
    (tmp_path / "staff_password").unlink()
    second = login_password(run())
    assert second != first
    user = get_user_model().objects.get(username=STAFF_USERNAME)
    assert user.check_password(second) and not user.check_password(first)


def logins(printed: str) -> dict[str, str]:
    found = {}
    for line in printed.splitlines():
        if "login:" in line:
            username, password = line.split("login:")[1].split(" / ")
            found[username.strip()] = password.strip()
    return found


def test_the_demo_prints_three_logins_that_work():
    printed = logins(run("--demo-logins"))
    assert set(printed) == {STAFF_USERNAME, "bianji", "shenjiao"}
    users = get_user_model().objects
    for username, password in printed.items():
        assert users.get(username=username).check_password(password)
    assert users.get(username="bianji").groups.get().name == "编辑"
    assert users.get(username="shenjiao").groups.get().name == "审校"
    assert not users.get(username="shenjiao").is_superuser
    # Again: the same passwords, nobody new.
    assert logins(run("--demo-logins")) == printed


def test_without_the_demo_flag_only_the_superuser():
    assert set(logins(run())) == {STAFF_USERNAME}
