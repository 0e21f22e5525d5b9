"""`make run`'s setup: the superuser, and on the local demo one 编辑 and one 审校, all printed."""

from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def run(settings, tmp_path, *args):
    settings.VAR_DIR = tmp_path
    settings.SEARCH_INDEX_PATH = str(tmp_path / "index")
    out = StringIO()
    call_command("setup_archive", *args, stdout=out)
    return out.getvalue()


def logins(printed: str) -> dict[str, str]:
    found = {}
    for line in printed.splitlines():
        if "login:" in line:
            username, password = line.split("login:")[1].split(" / ")
            found[username.strip()] = password.strip()
    return found


def test_the_demo_prints_three_logins_that_work(settings, tmp_path):
    printed = logins(run(settings, tmp_path, "--demo-logins"))
    assert set(printed) == {"editor", "bianji", "shenjiao"}
    users = get_user_model().objects
    for username, password in printed.items():
        assert users.get(username=username).check_password(password)
    assert users.get(username="bianji").groups.get().name == "编辑"
    assert users.get(username="shenjiao").groups.get().name == "审校"
    assert not users.get(username="shenjiao").is_superuser
    # Again: the same passwords, nobody new.
    assert logins(run(settings, tmp_path, "--demo-logins")) == printed


def test_without_the_demo_flag_only_the_superuser(settings, tmp_path):
    assert set(logins(run(settings, tmp_path))) == {"editor"}
