"""Researcher tools and open interfaces: filtered lists, exports, charts, API, OAI-PMH, feeds."""

app_name = "research"

urlpatterns = []
