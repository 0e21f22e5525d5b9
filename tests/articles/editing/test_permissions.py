"""Who may do what in the editing room: the permission sets and the view guard."""

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import PermissionDenied
from django.http import HttpResponse
from django.test import RequestFactory

from articles.editing import permissions
from articles.models import StructureChange


@pytest.fixture
def users(django_user_model):
    made = {}
    for name, group in (("bianji", "编辑"), ("shenjiao", "审校"), ("nobody", None)):
        user = django_user_model.objects.create_user(name, is_staff=True)
        if group:
            user.groups.add(Group.objects.get(name=group))
        made[name] = django_user_model.objects.get(pk=user.pk)  # fresh perm cache
    return made


def test_every_structure_operation_names_what_undoing_it_needs():
    assert set(permissions.OPERATION) == set(StructureChange.Operation)


def test_editors_may_restructure_and_undo_but_only_reviewers_verify_and_replace(
    users,
):
    editor, reviewer = users["bianji"], users["shenjiao"]
    for needed in permissions.OPERATION.values():
        assert editor.has_perms(needed) and reviewer.has_perms(needed)
    for needed in (permissions.VERIFY, permissions.REPLACE):
        assert reviewer.has_perms(needed) and not editor.has_perms(needed)
    assert editor.has_perms(permissions.ACCEPT_REPORT)
    assert not users["nobody"].has_perms(permissions.VIEW_ARTICLE)


def test_the_guard_checks_permission_before_the_method(users):
    @permissions.requires(permissions.CORRECT, methods=("POST",))
    def view(request):
        return HttpResponse("done")

    factory = RequestFactory()
    request = factory.get("/")
    request.user = users["nobody"]
    with pytest.raises(PermissionDenied):
        view(request)
    request.user = users["bianji"]
    assert view(request).status_code == 405
    request = factory.post("/")
    request.user = users["bianji"]
    assert view(request).content == b"done"


def test_a_reading_view_answers_head_as_get(users):
    @permissions.requires(permissions.VIEW_ARTICLE, methods=("GET",))
    def view(request):
        return HttpResponse("read")

    request = RequestFactory().head("/")
    request.user = users["bianji"]
    assert view(request).status_code == 200
