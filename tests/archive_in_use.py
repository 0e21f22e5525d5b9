"""An archive in real use, built once per test module: what the suite runs views, API and search on.

The seed pages with mixed metadata (dated with number and page label, undated, dated
later through the admin), editors in every role, a withdrawn article whose only author
has nothing else public (and a full-text bundle published before it was withdrawn), a
split and its undo, a find-and-replace batch and its undo, a reader report, a page
scan, and an article carrying a markup payload in every text field a reader can see.
"""

from dataclasses import dataclass, field
from datetime import date
from io import BytesIO

from django.contrib.auth.models import Group, User
from django.test import Client
from PIL import Image

from tests.forms import post_form
from tests.seed import SEED_PAGES

PASSWORD = "use-it-in-tests-only"  # noqa: S105
# Markup a reader's browser must show as text, never run; planted in every text field.
PAYLOAD = "<script>alert(1)</script>\"'&"
ROLES = {
    "editor_a": "编辑",
    "editor_b": "编辑",
    "reviewer_a": "审校",
    "reviewer_b": "审校",
    "staff_without_group": None,
    "reader": None,
}


@dataclass
class ArchiveInUse:
    users: dict[str, User]
    dated: object  # Issue with date, number and page label
    undated: object  # Issue without any metadata
    dated_later: object  # Issue imported undated, then dated through the admin
    payload_issue: object
    withdrawn: object  # Article taken off the public site
    withdrawn_author: str  # its only author's name, on nothing else public
    bundle: object  # Path of the full-text zip published before the withdrawal
    split: object  # StructureChange, undone
    batch: object  # ReplaceBatch, undone
    report: object  # ReaderReport, waiting
    scan: object
    payload_article: object
    public_titles: list[str] = field(default_factory=list)

    def client_for(self, role: str) -> Client:
        """A test client logged in as `role` (anonymous for "anonymous")."""
        client = Client()
        if role != "anonymous":
            client.force_login(self.users[role])
        return client


def build() -> ArchiveInUse:
    from archive.importing import import_page
    from archive.models import Issue
    from articles.editing import change_log, replacing, structure
    from articles.models import (
        Affiliation,
        Article,
        Author,
        Authorship,
        Column,
        Province,
        ReaderReport,
        StructureChange,
    )
    from articles.research import bundle

    users = {}
    for username, group in ROLES.items():
        user = User.objects.create_user(
            username, password=PASSWORD, is_staff=username != "reader"
        )
        if group:
            user.groups.add(Group.objects.get(name=group))
        users[username] = user

    first, second, third = SEED_PAGES
    dated = import_page(
        first.read_bytes(),
        source_name=first.name,
        publication_date=date(2024, 5, 20),
        number=14210,
        page_label="第7版",
    ).issue
    undated = import_page(second.read_bytes(), source_name=second.name).issue
    dated_later = import_page(third.read_bytes(), source_name=third.name).issue
    admin = Client()
    admin.force_login(users["reviewer_a"])
    User.objects.filter(pk=users["reviewer_a"].pk).update(is_superuser=True)
    response = post_form(
        admin,
        f"/admin/archive/issue/{dated_later.pk}/change/",
        {"publication_date": "2019-12-16", "page_label": "第5版"},
    )
    assert response.status_code == 302, _errors(response)
    User.objects.filter(pk=users["reviewer_a"].pk).update(is_superuser=False)
    dated_later.refresh_from_db()
    assert dated_later.publication_date == date(2019, 12, 16)

    # Withdrawn: an article whose named authors appear nowhere else.
    withdrawn = next(
        a
        for a in Article.objects.filter(issue=undated, kind="article").order_by(
            "position"
        )
        if a.authorships.filter(author__isnull=False).exists()
        and not Authorship.objects.filter(
            author__in=[s.author_id for s in a.authorships.all()]
        )
        .exclude(article=a)
        .exists()
    )
    withdrawn_author = withdrawn.authorships.filter(author__isnull=False)[0].author.name
    # The full-text bundle was published while the article was still public.
    published_bundle = bundle.publish_corpus(
        base_url="https://archive.example.cn"
    ).zip_path
    Article.objects.filter(pk=withdrawn.pk).update(published=False)

    # A split and its undo, by two editors.
    long_article = max(
        Article.objects.filter(issue=dated, kind="article"),
        key=lambda a: len(a.paragraphs),
    )
    structure.split_article(
        long_article,
        base_version=long_article.version,
        at_paragraph=len(long_article.paragraphs) - 1,
        title="拆分出的末段",
        editor=users["editor_a"],
        note="末段另成一篇",
    )
    split = StructureChange.objects.get(operation=StructureChange.Operation.SPLIT)
    change_log.undo(split, editor=users["editor_b"])
    split.refresh_from_db()

    # A find-and-replace batch and its undo.
    scope = replacing.Scope()
    matches = replacing.find_matches("工会", "工會", is_regex=False, scope=scope)[:3]
    result = replacing.apply_replacement(
        "工会",
        "工會",
        is_regex=False,
        scope=scope,
        selected={m.key for m in matches},
        editor=users["reviewer_a"],
        note="试替换",
    )
    batch = result.batch
    assert replacing.undo_batch(batch, editor=users["reviewer_b"]) == []
    batch.refresh_from_db()

    reported = Article.objects.filter(issue=dated_later).order_by("position")[0]
    report = ReaderReport.objects.create(
        article=reported,
        selected_text=reported.title[:4],
        suggestion=reported.title[:4] + "！",
        comment="标题似有漏字",
    )

    from archive.scans import services

    image = BytesIO()
    Image.new("L", (600, 900), color=200).save(image, format="PNG")
    (scan,) = services.store_scans(
        dated, [services.prepare_scan(image.getvalue(), "page-7.png")]
    )

    # Markup in every field a reader sees: the page, the article, its people and places.
    payload_issue = Issue.objects.create(
        source_name=f"payload{PAYLOAD}.txt",
        raw_bytes=PAYLOAD.encode(),
        raw_encoding="utf-8",
        raw_text=PAYLOAD,
        raw_sha256="0" * 64,
        publication_date=date(2021, 3, 1),
        page_label=f"第3版{PAYLOAD}",
    )
    payload_article = Article.objects.create(
        issue=payload_issue,
        column=Column.objects.get(name="观点"),
        position=1,
        kicker=f"引题{PAYLOAD}",
        title=f"标题{PAYLOAD}",
        lede=f"提要{PAYLOAD}",
        body=f"正文第一段{PAYLOAD}工会\n\n正文第二段{PAYLOAD}",
        original_ocr=f"原文{PAYLOAD}",
    )
    place = Affiliation.objects.create(
        name=f"单位{PAYLOAD}", province=Province.objects.get(short_name="北京")
    )
    Authorship.objects.create(
        article=payload_article,
        author=Author.objects.create(name=f"作者{PAYLOAD}"),
        affiliation=place,
        role=f"职务{PAYLOAD}",
        order=1,
    )

    archive = ArchiveInUse(
        users=users,
        dated=dated,
        undated=undated,
        dated_later=dated_later,
        payload_issue=payload_issue,
        withdrawn=withdrawn,
        withdrawn_author=withdrawn_author,
        bundle=published_bundle,
        split=split,
        batch=batch,
        report=report,
        scan=scan,
        payload_article=payload_article,
        public_titles=list(Article.objects.public().values_list("title", flat=True)),
    )
    _rebuild_search_index()
    return archive


def _rebuild_search_index() -> None:
    from haystack import connections

    from articles.models import Article

    backend = connections["default"].get_backend()
    index = connections["default"].get_unified_index().get_index(Article)
    backend.clear()
    backend.update(index, list(index.index_queryset()))


def clear_search_index() -> None:
    from haystack import connections

    connections["default"].get_backend().clear()


def _errors(response) -> str:
    """The admin form's errors, for a failed setup step."""
    context = response.context or {}
    form = context.get("adminform")
    formsets = context.get("inline_admin_formsets") or []
    return repr(
        [form.form.errors if form else None]
        + [f.formset.errors + [f.formset.non_form_errors()] for f in formsets]
    )
