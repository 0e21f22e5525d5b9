"""Search page (placeholder until the search feature lands)."""

from django.shortcuts import render


def search(request):
    return render(request, "search/search.html", {"query": request.GET.get("q", "")})
