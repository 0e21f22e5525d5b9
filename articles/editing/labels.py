"""What editors read instead of codes: the importer's review flags and the suggestion kinds."""

from django.utils.html import format_html, format_html_join

# code → (label, what the editor should check). The importer's message says what it
# saw in this article; this says what kind of doubt it is.
FLAGS = {
    "affiliation_choice": (
        "单位有多种可能",
        "作者单位有几种写法或几处可能，请核对署名的单位。",
    ),
    "affiliation_missing": ("缺少单位", "署名没有找到作者单位，请对照版面补上。"),
    "author_name_missing": ("缺少作者姓名", "署名里没有找到作者姓名，请对照版面补上。"),
    "duplicate_passage": ("重复段落", "同一段文字出现了两次，请核对是否为排版重复。"),
    "kicker_guess": ("引题为推断", "引题（肩题）是按版面位置推断的，请核对。"),
    "kind_guess": ("体裁为推断", "体裁是按栏目、署名推断的，请核对。"),
    "layout_unclear": (
        "版面不清",
        "版面结构难以判断，文字的归属可能有误，请对照扫描件。",
    ),
    "leading_heading": ("开头像小标题", "正文开头一行像小标题，请核对是否属于标题。"),
    "lede_guess": ("提要为推断", "观点提要是按版面推断的，请核对。"),
    "moved_text": ("文字移位", "有文字印在版面别处，已按位置配给本文，请核对。"),
    "name_mismatch": ("姓名不一致", "署名与作者注中的姓名不一致，请核对。"),
    "note_ambiguous": ("作者注有歧义", "作者注可能对应多位作者，请核对。"),
    "note_unmatched": ("作者注未对上", "作者注无法对应到署名，请核对。"),
    "orphan_text": ("无归属文字", "有一段文字无法确定属于哪篇文章，请核对。"),
    "province_ambiguous": ("省份有歧义", "地名可能属于不止一个省份，请核对。"),
    "province_guess": ("省份为推断", "省份是按地名推断的，请核对。"),
    "province_unknown": ("省份不明", "无法判断地名所在省份，请补上。"),
    "quoted_name_missing": ("引文缺少出处", "引述的姓名没有找到，请核对。"),
    "title_corrected": ("标题已改正", "导入时改正了标题中的错字，请核对。"),
    "title_guess": ("标题为推断", "标题是按版面推断的，请核对。"),
    "title_missing": ("缺少标题", "没有找到标题，请补上。"),
    "title_split": ("标题已合并", "分在两行的标题已合并为一个，请核对。"),
}
UNKNOWN_FLAG = ("待核", "导入程序拿不准的地方，请核对。")

SUGGESTION_KINDS = {"doubled": "重复字", "confusion": "易混字", "learned": "已学更正"}


def flag_label(code: str) -> str:
    return FLAGS.get(code, UNKNOWN_FLAG)[0]


def flags(review_flags) -> list[dict]:
    """Each flag as label, explanation and the importer's message (never its code)."""
    shown = []
    for flag in review_flags or []:
        label, explanation = FLAGS.get(flag.get("code", ""), UNKNOWN_FLAG)
        shown.append(
            {
                "label": label,
                "explanation": explanation,
                "message": flag.get("message", ""),
            }
        )
    return shown


def flags_html(review_flags):
    """The flags as a readable list for the article's change form (not raw JSON)."""
    shown = flags(review_flags)
    if not shown:
        return "无"
    return format_html(
        "<ul class='flag-list'>{}</ul>",
        format_html_join(
            "",
            "<li><strong>{}</strong>：{}（{}）</li>",
            (
                (f["label"], f["message"] or f["explanation"], f["explanation"])
                for f in shown
            ),
        ),
    )


def suggestion_kind(kind: str) -> str:
    return SUGGESTION_KINDS.get(kind, "其他建议")
