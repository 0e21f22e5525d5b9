"""What the API's OpenAPI schema states beyond its serializers: filters, ranges, errors."""

from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter

from articles.models import Article
from articles.research import filtering

# The largest id (and page number) a client may name: what a 64-bit column holds.
MAX_ID = 2**63 - 1
ID = {"type": "integer", "minimum": 1, "maximum": MAX_ID}
YEAR = {
    "type": "integer",
    "minimum": filtering.YEAR_RANGE[0],
    "maximum": filtering.YEAR_RANGE[1],
}
# Said of every filter that takes several values (filtering.MULTI).
REPEAT = f"；可重复给出，任一匹配即可，最多 {filtering.MAX_VALUES} 个"
FILTER_PARAMETERS = [
    OpenApiParameter("author", ID, description=f"作者编号（署名或策划、整理）{REPEAT}"),
    OpenApiParameter("affiliation", ID, description=f"作者单位编号{REPEAT}"),
    OpenApiParameter(
        "province",
        OpenApiTypes.STR,
        description=f"作者单位所在省份简称，如“山东”{REPEAT}",
    ),
    OpenApiParameter(
        "column", OpenApiTypes.STR, description=f"栏目名称或网址名{REPEAT}"
    ),
    OpenApiParameter(
        "kind", OpenApiTypes.STR, enum=Article.Kind.values, description=f"体裁{REPEAT}"
    ),
    OpenApiParameter(
        "status",
        OpenApiTypes.STR,
        enum=Article.Status.values,
        description=f"校对状态{REPEAT}",
    ),
    OpenApiParameter(
        "year_from", YEAR, description="起始出版年份（含）；刊期未详的文章不在其内"
    ),
    OpenApiParameter(
        "year_to", YEAR, description="截止出版年份（含）；早于 year_from 时两者互换"
    ),
    OpenApiParameter("q", OpenApiTypes.STR, description="关键词（经全文检索）"),
    OpenApiParameter(
        "sort",
        OpenApiTypes.STR,
        enum=list(filtering.SORTS),
        description=f"排序，默认 {filtering.DEFAULT_SORT}",
    ),
]
# Filters whose value is a number or one of a list: present, they must say which.
CHOSEN = ("author", "affiliation", "kind", "status", "year_from", "year_to", "sort")
INCLUDE_PARAMETER = OpenApiParameter(
    "include",
    OpenApiTypes.STR,
    enum=["ocr"],
    description="include=ocr 时同时返回原始 OCR 文本",
)


DETAIL = {
    "type": "object",
    "properties": {"detail": {"type": "string"}},
    "required": ["detail"],
}
ERRORS = {
    "400": (
        "参数无效：每个出错的参数及原因",
        {"type": "object", "additionalProperties": {"type": "string"}},
    ),
    "404": ("没有这个对象，或没有这一页", DETAIL),
    "429": ("请求过于频繁；Retry-After 给出需等待的秒数", DETAIL),
}


def document_errors(result, generator, request, public):
    """drf-spectacular hook: every operation states the errors it may answer with, 400
    where it takes query parameters (the throttle answers any of them with 429)."""
    for item in result["paths"].values():
        for operation in item.values():
            for parameter in operation.get("parameters", []):
                if parameter["in"] == "path" and parameter["name"] == "id":
                    # Ids are positive 64-bit integers; any other is 404.
                    parameter["schema"].update(ID)
            takes_query = any(
                p["in"] == "query" for p in operation.get("parameters", [])
            )
            for status, (description, body) in ERRORS.items():
                if status == "400" and not takes_query:
                    continue
                operation["responses"].setdefault(
                    status,
                    {
                        "description": description,
                        "content": {"application/json": {"schema": body}},
                    },
                )
    return result
