"""The permission matrix: every admin view editors use × every role × GET and POST.

Each request is either allowed, or refused with 403, 405 or a redirect to the login
page; a refused request changes nothing in the database (a digest of every table of
the archive, the users and the admin log, before and after). An allowed POST that
writes does change it, so the refusals are refusals of real writes. The views are
found by walking the admin's URLs, so a new one cannot be left out.
"""

import hashlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.contrib.auth.models import User
from django.urls import reverse

from tests.realuse.permission_views import ROLES, VIEWS, Scene

pytestmark = pytest.mark.django_db

ADMINS = ["articles.article", "archive.issue", "articles.replacebatch"]
ADMINS += ["articles.structurechange", "articles.readerreport"]
EDITED = ["articles.revision", "articles.authorship", "articles.author"]
EDITED += ["articles.affiliation"]
STANDARD = ("changelist", "add", "change", "delete", "history")


def test_the_matrix_covers_every_custom_view_and_every_write_of_what_editors_touch():
    names = {v.name for v in VIEWS}
    wanted = set()
    for model, model_admin in admin.site._registry.items():
        label = model._meta.label_lower
        prefix = label.replace(".", "_")
        for pattern in model_admin.get_urls():
            name = pattern.name or ""
            standard = name.removeprefix(prefix + "_") in STANDARD
            if label in ADMINS and name and not standard:
                wanted.add(name)
            if label in ADMINS + EDITED and name.endswith(
                ("_add", "_change", "_delete")
            ):
                wanted.add(name)
    assert wanted <= names, sorted(wanted - names)


@pytest.fixture(scope="module")
def scene(archive_in_use, django_db_blocker):
    """Undone work to undo, and a few people and places, inside the archive in use."""
    from articles.editing import corrections, replacing, revisions, structure
    from articles.models import (
        Affiliation,
        Article,
        Author,
        Authorship,
        Province,
        StructureChange,
    )

    users = archive_in_use.users
    with django_db_blocker.unblock():
        users["superuser"] = User.objects.create_superuser("chief", "chief@example.org")
        candidates = Article.objects.filter(
            issue=archive_in_use.dated_later, published=True
        ).exclude(pk=archive_in_use.report.article_id)
        target, neighbour = [a for a in candidates if len(a.paragraphs) > 2][:2]
        corrections.save_correction(
            target,
            editor=users["editor_b"],
            base_version=target.version,
            changes={"title": target.title + "（校）"},
            note="校题",
        )
        Article.objects.filter(pk=target.pk).update(
            review_flags=[{"code": "matrix", "message": "核对署名"}]
        )
        target.refresh_from_db()
        assert users["reviewer_a"].pk not in revisions.text_editors_since_verification(
            target
        )
        structure.split_article(
            neighbour,
            base_version=neighbour.version,
            at_paragraph=2,
            title="矩阵拆分",
            editor=users["editor_b"],
        )
        scope = replacing.Scope(issue=archive_in_use.undated.pk)
        matches = replacing.find_matches("工会", "工會", is_regex=False, scope=scope)
        batch = replacing.apply_replacement(
            "工会",
            "工會",
            is_regex=False,
            scope=scope,
            selected={m.key for m in matches[:1]},
            editor=users["reviewer_b"],
            note="矩阵批次",
        ).batch
        beijing = Province.objects.get(short_name="北京")
        places = [
            Affiliation.objects.create(name=n, province=beijing)
            for n in ("甲院", "甲 院")
        ]
        authors = [Author.objects.create(name=n) for n in ("赵六", "赵 六")]
        for order, (author, place) in enumerate(zip(authors, places, strict=True), 1):
            Authorship.objects.create(
                article=target, author=author, affiliation=place, order=order + 10
            )
        made = Scene(
            archive=archive_in_use,
            superuser=archive_in_use.client_for("superuser"),
            article=Article.objects.get(pk=target.pk),
            split=StructureChange.objects.get(
                operation="split", undone_at__isnull=True
            ),
            batch=batch,
            authors=authors,
            places=places,
            spare_author=Author.objects.create(name="孤名"),
            spare_place=Affiliation.objects.create(name="孤院"),
        )
        made.clients = {role: archive_in_use.client_for(role) for role in ROLES}
        made.digest = digest()
        yield made


CASES = [
    pytest.param(view, role, method, id=f"{view.name}-{role}-{method}")
    for view in VIEWS
    for role in ROLES
    for method in ("GET", "POST")
]


@pytest.mark.parametrize(("view", "role", "method"), CASES)
def test_permission_matrix(scene, view, role, method):
    client = scene.clients[role]
    url = reverse(f"admin:{view.name}", args=view.args(scene))
    data = view.data(scene, url) if method == "POST" else None
    response = client.get(url) if method == "GET" else client.post(url, data)
    if may(role, scene, view.get if method == "GET" else view.post):
        assert response.status_code < 400 and not to_login(response), response
        if method == "POST" and view.writes:
            assert digest() != scene.digest, "an allowed write changed nothing"
    else:
        assert response.status_code in (403, 405) or to_login(response), response
        assert digest() == scene.digest, "a refused request changed the database"


def may(role, scene, permissions) -> bool:
    if permissions is None or role == "anonymous":
        return False
    user = User.objects.get(pk=scene.archive.users[role].pk)  # no cached permissions
    return user.is_staff and user.has_perms(permissions)


def to_login(response) -> bool:
    return response.status_code == 302 and response["Location"].startswith(
        reverse("admin:login")
    )


def digest() -> str:
    """One hash of every row of the archive's, the users' and the admin log's tables.

    The users' last login is left out (a login is not a view's write). Every test
    starts from the same rows (its writes are rolled back), so one digest taken with
    the scene serves as every test's "before".
    """
    sha = hashlib.sha256()
    for label in ("archive", "articles", "auth", "admin"):
        for model in apps.get_app_config(label).get_models(include_auto_created=True):
            names = [
                f.attname
                for f in model._meta.concrete_fields
                if (model, f.name) != (User, "last_login")
            ]
            for row in model.objects.order_by("pk").values_list(*names):
                sha.update(repr(row).encode())
    return sha.hexdigest()
