"""The search index of public articles: what is searched, filtered and faceted."""

from haystack import indexes
from haystack.fields import FacetMultiValueField
from haystack.utils.loading import UnifiedIndex

from articles.models import Article
from articles.querysets import RESPONSIBLE, bylines_of
from articles.search.text import garbled_words, normalize


# Who counts as an article's author in the author, affiliation and province facets:
# bylines and credits (策划/制图), not experts quoted in a digest.
class NameField(indexes.CharField):
    """Names and institutions: every ideograph is a term too, so a surname (王) finds 王君伟."""

    index_characters = True


class GarbledField(indexes.CharField):
    """Words only the original OCR has; the Whoosh backend also searches them with the text."""

    searched_with_document = True


def facet_value(value) -> str:
    # Facet values travel in URLs and Whoosh's comma-separated keyword fields.
    return " ".join(str(value).replace(",", "，").replace('"', "").split())


class ArticleIndex(indexes.SearchIndex, indexes.Indexable):
    # Searched text, normalised (NFKC, traditional → simplified, no invisible characters).
    text = indexes.CharField(document=True)
    title = indexes.CharField(boost=2.0)
    people = NameField(boost=1.5)
    # Words of the original OCR the corrected text no longer has (人会 for 入会), so a
    # search for a misread form still finds the article, at a low weight.
    garbled = GarbledField(boost=0.3)
    # Filters and facets: exact values.
    column = indexes.FacetCharField()
    kind = indexes.FacetCharField()
    status = indexes.FacetCharField()
    authors = FacetMultiValueField()
    affiliations = FacetMultiValueField()
    provinces = FacetMultiValueField()
    year = indexes.FacetCharField()
    date = indexes.DateField(null=True)

    def get_model(self):
        return Article

    def get_updated_field(self):
        return "updated_at"

    def index_queryset(self, using=None):
        """Public articles only, with everything the document needs in three queries."""
        return (
            Article.objects.public()
            .select_related("issue", "column")
            .defer("issue__raw_bytes", "issue__raw_text")
            .with_bylines()
        )

    def read_queryset(self, using=None):
        return Article.objects.public().select_related("issue", "column")

    def prepare(self, obj):
        data = super().prepare(obj)
        data["text"] = normalize(data.get("text"))
        return data

    def prepare_text(self, obj):
        # Kicker, title, lede, body, then a line per author: name, aliases, affiliation,
        # its aliases, role. Joined here rather than by a template, which took a tenth
        # of an index build's CPU.
        lines = [obj.kicker, obj.title, obj.lede, obj.body]
        for a in bylines_of(obj):
            line = ""
            if a.author_id:
                line += f"{a.author.name} {' '.join(a.author.aliases)} "
            if a.affiliation_id:
                line += f"{a.affiliation.name} {' '.join(a.affiliation.aliases)} "
            lines.append(line + a.role)
        return "\n".join(lines) + "\n\n"

    def prepare_title(self, obj):
        return normalize(f"{obj.kicker}\n{obj.title}")

    def prepare_people(self, obj):
        parts = []
        for a in bylines_of(obj):
            if a.author_id:
                parts.append(a.author.name)
                parts.extend(a.author.aliases or ())
            if a.affiliation_id:
                parts.append(a.affiliation.name)
                parts.extend(a.affiliation.aliases or ())
        return normalize("\n".join(parts))

    def prepare_garbled(self, obj):
        corrected = "\n".join((obj.kicker, obj.title, obj.lede, obj.body))
        # Normalised like every text field (the words, spaces between them removed).
        return normalize(garbled_words(obj.original_ocr, corrected))

    def prepare_column(self, obj):
        return facet_value(obj.column.name) if obj.column_id else None

    def prepare_kind(self, obj):
        return obj.kind

    def prepare_status(self, obj):
        return obj.status

    def _facet_authorships(self, obj):
        return [a for a in bylines_of(obj) if a.contribution in RESPONSIBLE]

    def prepare_authors(self, obj):
        return unique(
            facet_value(a.author.name)
            for a in self._facet_authorships(obj)
            if a.author_id
        )

    def prepare_affiliations(self, obj):
        return unique(
            facet_value(a.affiliation.name)
            for a in self._facet_authorships(obj)
            if a.affiliation_id
        )

    def prepare_provinces(self, obj):
        return unique(
            facet_value(a.affiliation.province.short_name)
            for a in self._facet_authorships(obj)
            if a.affiliation_id and a.affiliation.province_id
        )

    def prepare_year(self, obj):
        date = obj.issue.publication_date
        return str(date.year) if date else None

    def prepare_date(self, obj):
        return obj.issue.publication_date

    def highlight_sources(self, pks) -> dict[str, str]:
        """Text to cut highlights from, for haystack's `highlight()` (the index stores none)."""
        rows = self.read_queryset().filter(pk__in=pks).values_list("pk", "lede", "body")
        return {str(pk): f"{lede}\n{body}".strip() for pk, lede, body in rows}


def unique(values) -> list[str]:
    return list(dict.fromkeys(v for v in values if v))


class ArchiveIndexes(UnifiedIndex):
    """The indexes every engine of the archive serves (each engine's `unified_index`).

    Haystack would look for a `search_indexes` module in each app; the search package
    names its indexes here instead.
    """

    def collect_indexes(self):
        return [ArticleIndex()]
