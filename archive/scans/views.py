"""Page-scan views: images streamed with caching headers, the 查看原版 pages, the
admin viewer and region save.

Crosses into articles: an article's 查看原版 page and its region belong to an
articles.Article, looked up through its public() queryset for readers.
"""

import logging
from datetime import UTC, datetime
from email.utils import formatdate

from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse, Http404, HttpResponseRedirect, JsonResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.cache import get_conditional_response
from django.views.decorators.http import require_POST, require_safe

from archive.models import ArticleRegion, Issue, Scan
from archive.scans import selectors, services, storage
from articles.models import Article

logger = logging.getLogger(__name__)
KINDS = ("web", "zoom", "thumb")


def cache_seconds() -> int:
    return getattr(settings, "SCAN_CACHE_SECONDS", 24 * 3600)


def staff_may_see(user) -> bool:
    """Editors see scans of unpublished pages (the correction screen needs them)."""
    return user.is_active and user.is_staff and user.has_perm("archive.view_issue")


def stream_image(request, relative: str, *, public: bool):
    """Streams a stored JPEG with ETag and Last-Modified (media is never static)."""
    try:
        path = storage.media_path(relative)
        stat = path.stat()
    except (OSError, ValueError) as exc:
        logger.warning("scan derivative missing: %s", relative)
        raise Http404("图像文件缺失。") from exc
    # Names carry a content hash, so name, size and mtime identify the bytes.
    etag = f'"{path.stem}-{stat.st_size:x}-{int(stat.st_mtime):x}"'
    modified = datetime.fromtimestamp(int(stat.st_mtime), tz=UTC)
    not_modified = get_conditional_response(
        request, etag=etag, last_modified=int(modified.timestamp())
    )
    if not_modified is not None:
        response = not_modified
    else:
        response = FileResponse(path.open("rb"), content_type="image/jpeg")
        response["Last-Modified"] = formatdate(modified.timestamp(), usegmt=True)
    response["ETag"] = etag
    # Public images may sit in shared caches for a while; a page withdrawn from the
    # public stays out of them after at most SCAN_CACHE_SECONDS.
    scope = "public" if public else "private"
    response["Cache-Control"] = f"{scope}, max-age={cache_seconds()}"
    return response


def is_public_issue(issue_id) -> bool:
    return Issue.objects.public().filter(pk=issue_id).exists()


@require_safe
def scan_image(request, pk, kind):
    if kind not in KINDS:
        raise Http404
    scan = get_object_or_404(Scan, pk=pk)
    public = is_public_issue(scan.issue_id)
    # The user (and so the session) is looked at only when needed: public images
    # then carry no Vary: Cookie and are shared by every cache.
    if not public and not staff_may_see(request.user):
        raise Http404("没有这张图像。")
    return stream_image(request, scan.derivative(kind), public=public)


@require_safe
def region_image(request, pk):
    """The article's crop of its page; only for public articles (or editors)."""
    # Through the article's own id, which finds nothing for an id too large to store
    # (the foreign-key column would fail on it).
    region = get_object_or_404(
        ArticleRegion.objects.select_related("article", "scan"), article__pk=pk
    )
    public = Article.objects.public().filter(pk=pk).exists()
    if not public and not staff_may_see(request.user):
        raise Http404("没有这张图像。")
    if not region.image or region.scan.issue_id != region.article.issue_id:
        raise Http404("本文尚未标出版面位置。")
    return stream_image(request, region.image, public=public)


@require_safe
def article_original(request, pk):
    """查看原版: the article's region on the page, or the whole page without one."""
    article = get_object_or_404(Article.objects.public().select_related("issue"), pk=pk)
    pages = selectors.scan_pages(article.issue.scans.all())
    if not pages:
        raise Http404("这个版面还没有原版扫描。")
    region = selectors.region_for(article)
    if region is not None and not region.image:
        region = None
    return render(
        request,
        "archive/scan_region.html",
        {
            "article": article,
            "issue": article.issue,
            "pages": pages,
            "region": region,
            "region_url": selectors.region_image_url(region) if region else "",
        },
    )


@require_safe
def issue_original(request, pk):
    """The whole printed page, zoomable, for readers."""
    issue = get_object_or_404(Issue.objects.public(), pk=pk)
    pages = selectors.scan_pages(issue.scans.all())
    if not pages:
        raise Http404("这个版面还没有原版扫描。")
    return render(
        request,
        "archive/scan_region.html",
        {"article": None, "issue": issue, "pages": pages, "region": None},
    )


# -----------------------------------------------------------------------------------
# Admin views (mounted by IssueAdmin.get_urls).


def issue_scans(request, model_admin, pk):
    """The page's scans in the viewer, with every article's marked region."""
    if not request.user.has_perm("archive.view_scan"):
        raise PermissionDenied
    issue = get_object_or_404(Issue, pk=pk)
    regions = {
        r.article_id: r
        for r in ArticleRegion.objects.filter(article__issue=issue, scan__issue=issue)
    }
    articles = [
        (article, regions.get(article.pk))
        for article in issue.articles.order_by("position", "pk").only(
            "pk", "title", "position", "issue_id"
        )
    ]
    context = {
        **model_admin.admin_site.each_context(request),
        "opts": Issue._meta,
        "title": f"原版扫描：{issue}",
        "issue": issue,
        "pages": selectors.scan_pages(issue.scans.all()),
        "articles": articles,
    }
    return render(request, "admin/archive/issue/scans.html", context)


def wants_json(request) -> bool:
    return "application/json" in request.headers.get("Accept", "")


@require_POST
def save_region(request, model_admin, article_pk):
    """Saves (or clears) where an article sits on its page; JSON for the viewer."""
    if not request.user.has_perm("articles.change_article"):
        raise PermissionDenied("您没有校对文章的权限。")
    article = get_object_or_404(Article, pk=article_pk)
    back = reverse("admin:articles_article_correct", args=[article.pk])
    try:
        if request.POST.get("action") == "clear":
            services.clear_region(article)
            message, region = "已清除本文的版面位置。", None
        else:
            scan = Scan.objects.filter(
                pk=_int(request.POST.get("scan")), issue_id=article.issue_id
            ).first()
            if scan is None:
                raise ValidationError("请选择本文所在版面的扫描图。")
            region = services.save_region(
                article, scan, services.parse_region(request.POST), request.user
            )
            message = "已保存本文在版面上的位置。"
    except ValidationError as exc:
        error = " ".join(exc.messages)
        if wants_json(request):
            return JsonResponse({"ok": False, "message": error}, status=400)
        messages.error(request, error)
        return HttpResponseRedirect(back)
    if wants_json(request):
        payload = {"ok": True, "message": message, "region": None}
        if region is not None:
            payload["region"] = {"scan": region.scan_id, "box": region.box}
        return JsonResponse(payload)
    messages.success(request, message)
    return HttpResponseRedirect(back)


def _int(value) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None
