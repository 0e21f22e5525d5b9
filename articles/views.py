"""Public pages: each view fetches through the public querysets and renders."""

from django.shortcuts import get_object_or_404, render

from archive.models import Issue
from articles.models import Affiliation, Article, Author, Column, Province


def public_articles():
    return Article.objects.public().select_related("issue", "column")


def home(request):
    return render(
        request,
        "articles/home.html",
        {
            "issues": Issue.objects.public()[:10],
            "columns": Column.objects.all(),
            "article_count": Article.objects.public().count(),
        },
    )


def issue_detail(request, pk):
    issue = get_object_or_404(Issue.objects.public(), pk=pk)
    articles = public_articles().filter(issue=issue).order_by("position")
    return render(request, "articles/issue_detail.html", {"issue": issue, "articles": articles})


def column_detail(request, slug):
    column = get_object_or_404(Column, slug=slug)
    articles = public_articles().filter(column=column).order_by("-issue__publication_date", "-id")
    return render(request, "articles/column_detail.html", {"column": column, "articles": articles})


def article_detail(request, pk):
    article = get_object_or_404(public_articles(), pk=pk)
    authorships = article.authorships.select_related("author", "affiliation__province")
    return render(
        request, "articles/article_detail.html", {"article": article, "authorships": authorships}
    )


def author_detail(request, pk):
    author = get_object_or_404(
        Author.objects.filter(authorships__article__in=Article.objects.public()).distinct(),
        pk=pk,
    )
    articles = public_articles().filter(authorships__author=author).distinct()
    return render(request, "articles/author_detail.html", {"author": author, "articles": articles})


def affiliation_detail(request, pk):
    affiliation = get_object_or_404(Affiliation.objects.select_related("province"), pk=pk)
    articles = public_articles().filter(authorships__affiliation=affiliation).distinct()
    return render(
        request,
        "articles/affiliation_detail.html",
        {"affiliation": affiliation, "articles": articles},
    )


def province_detail(request, short_name):
    province = get_object_or_404(Province, short_name=short_name)
    articles = public_articles().filter(authorships__affiliation__province=province).distinct()
    return render(
        request, "articles/province_detail.html", {"province": province, "articles": articles}
    )
