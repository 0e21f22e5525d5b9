"""JSON shapes of the read-only API (what the OpenAPI schema documents)."""

from django.urls import reverse
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers

from archive.site import absolute_url
from articles.models import Affiliation, Article, Authorship
from articles.research import citations


def absolute(context, path: str) -> str:
    return absolute_url(path, context.get("request"))


class ProvinceBriefSerializer(serializers.Serializer):
    code = serializers.CharField(help_text="国家统计局六位行政区划代码")
    name = serializers.CharField()
    short_name = serializers.CharField()


class ProvinceSerializer(ProvinceBriefSerializer):
    article_count = serializers.IntegerField(help_text="作者单位在本省的公开文章数")
    author_count = serializers.IntegerField()


class ColumnBriefSerializer(serializers.Serializer):
    name = serializers.CharField()
    slug = serializers.CharField()


class ColumnSerializer(ColumnBriefSerializer):
    order = serializers.IntegerField()
    description = serializers.CharField()
    article_count = serializers.IntegerField()


class AuthorBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AuthorSerializer(AuthorBriefSerializer):
    sort_key = serializers.CharField(help_text="按姓氏读音的拼音排序键")
    aliases = serializers.ListField(child=serializers.CharField())
    article_count = serializers.IntegerField(
        help_text="以作者或策划、整理者署名的公开文章数"
    )
    articles = serializers.SerializerMethodField()

    @extend_schema_field(OpenApiTypes.URI)
    def get_articles(self, author) -> str:
        return absolute(
            self.context, f"{reverse('research:api-article-list')}?author={author.pk}"
        )


class AffiliationBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()
    province = ProvinceBriefSerializer(allow_null=True)


class AffiliationSerializer(AffiliationBriefSerializer):
    level = serializers.ChoiceField(choices=Affiliation.Level.choices)
    aliases = serializers.ListField(child=serializers.CharField())
    article_count = serializers.IntegerField()
    author_count = serializers.IntegerField()


class IssueBriefSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    publication_date = serializers.DateField(allow_null=True, help_text="未知时为 null")
    number = serializers.IntegerField(
        allow_null=True, help_text="总期号，未知时为 null"
    )
    page_label = serializers.CharField(help_text="版次，如“第7版”")


class IssueSerializer(IssueBriefSerializer):
    article_count = serializers.IntegerField()


class AuthorshipSerializer(serializers.Serializer):
    author = AuthorBriefSerializer(
        allow_null=True, help_text="版面只给出职务、没有署名时为 null"
    )
    contribution = serializers.ChoiceField(choices=Authorship.Contribution.choices)
    role = serializers.CharField()
    order = serializers.IntegerField()
    affiliation = AffiliationBriefSerializer(allow_null=True)


class ArticleSerializer(serializers.Serializer):
    id = serializers.IntegerField()
    url = serializers.SerializerMethodField(help_text="文章网页")
    api_url = serializers.SerializerMethodField()
    title = serializers.CharField()
    kicker = serializers.CharField(help_text="引题")
    lede = serializers.CharField(help_text="观点提要")
    kind = serializers.ChoiceField(choices=Article.Kind.choices)
    status = serializers.ChoiceField(choices=Article.Status.choices)
    column = ColumnBriefSerializer(allow_null=True)
    issue = IssueBriefSerializer()
    authorships = AuthorshipSerializer(many=True, source="bylines")
    revision_count = serializers.IntegerField(help_text="修订次数（含导入）")
    last_corrected_at = serializers.DateTimeField(
        allow_null=True, help_text="最后一次校对修改的时间；从未修改为 null"
    )
    updated_at = serializers.DateTimeField()
    citation = serializers.SerializerMethodField(
        help_text="GB/T 7714-2015 参考文献格式"
    )

    @extend_schema_field(OpenApiTypes.URI)
    def get_url(self, article) -> str:
        return absolute(self.context, article.get_absolute_url())

    @extend_schema_field(OpenApiTypes.URI)
    def get_api_url(self, article) -> str:
        return absolute(
            self.context, reverse("research:api-article-detail", args=[article.pk])
        )

    def get_citation(self, article) -> str:
        return citations.gbt7714(article, index=None)


class ArticleDetailSerializer(ArticleSerializer):
    body = serializers.CharField(help_text="校对后的正文，段落之间空一行")
    # Not read-only in the schema, so the schema does not require it: it is present only
    # when the request says include=ocr.
    original_ocr = serializers.CharField(
        required=False, help_text="导入时的原始 OCR 文本，仅在 include=ocr 时返回"
    )

    # The schema generator instantiates this without arguments and must see the field.
    def __init__(self, *args, include_ocr: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        if not include_ocr:
            self.fields.pop("original_ocr")
