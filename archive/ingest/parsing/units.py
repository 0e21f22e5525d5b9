"""Lines of a raw page as units, each classified: header, heading, byline, note, credit."""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import cache, cached_property
from pathlib import Path

from archive.ingest import places
from archive.ingest.parsing.records import Person
from archive.ingest.text import CJK, CJK_CHAR, pos_tags

DATA = Path(__file__).resolve().parents[1] / "data"

# The paper's columns, longest first so 观点撷英 is not read as 观点.
COLUMNS = ("观点撷英", "前沿观察", "热点思考", "工作研究", "观点")
LEDE_LABEL = "观点"  # alone on a line it labels the lede box, not a column
DEFAULT_COLUMN = "观点"  # articles printed without a column header
DIGEST_COLUMN = "观点撷英"
REPORTER_ROLES = (
    "本报特约记者",
    "本报通讯员",
    "本报记者",
    "本报评论员",
    "特约记者",
    "通讯员",
    "实习生",
    "记者",
)
# Layout debris at a line start: a lone Latin letter before a space, or a symbol.
LEADING_MARKER = re.compile(r"^(?:[A-Za-z](?=\s)|[₩￦■□◆◇●○▲△★☆▼▽※◎])\s*")
LONE_MARKER = re.compile(r"^(?:[A-Za-z]|[^\w]+)$")
BULLET = re.compile(r"^[-–•·]\s")
COMPLETE = re.compile(r"[。！？!?…；;:：.][”’\"』」)）]*$")
NOTE_START = re.compile(r"[(（]\s*作者")
GRAPHIC_ROLE = r"(?:策划|制图|设计|绘图|图|文)(?:[/、](?:策划|制图|设计|绘图|图|文))*"
GRAPHIC_CREDIT = re.compile(rf"({GRAPHIC_ROLE})\s*:\s*(.+?)(?=\s+{GRAPHIC_ROLE}\s*:|$)")
# Page staff (本版编辑 …) belong to the page, not to any piece.
PAGE_STAFF = re.compile(
    r"^(?:本版编辑|责任编辑|责编|美术编辑|美编|版式设计|版式|校对|组版|图片编辑)"
)
# Continuation pointers such as (下转第2版).
JUMP = re.compile(r"^[(（]?[上下][转接]第?[^()（）]{1,4}版[)）]?$")
COMPILE_CREDIT = re.compile(
    rf"[(（]\s*((?:本报记者|记者)?\s*[{CJK}·]{{2,4}}(?:[\s、]+[{CJK}·]{{2,4}})*)"
    r"\s*整理\s*[)）]\s*$"
)
DASHES = "—-－–―"
NOTE_VERB = re.compile(r"为|系|是|:")
# Wording typical of a kicker (引题) above a title: campaign slogans and series names.
KICKER_HINT = re.compile(r"学习贯彻|精神|系列|专题|笔谈|访谈|之[一二三四五六七八九十]$")
# The first words of a news item, which a subheading never starts with.
NEWS_LEAD = re.compile(r"^(?:本报讯|本报[^\s，,。]{0,8}电)")
# Paragraph openings that start a new point of an argument.
NEW_POINT = re.compile(
    r"^(?:第[一二三四五六七八九十]+[，,、]|[一二三四五六七八九十]+[是、]|其[一二三四五六七八九十]"
    r"|首先|其次|再次|最后|此外|另外|总之|同时|因此)"
)
SKIPPED = ("marker", "page_staff")  # lines that belong to no piece's structure
MAX_HEADING = 48
MAX_LEDE = 220

# ---------------------------------------------------------------- words and names


@cache
def _surnames() -> tuple[frozenset[str], frozenset[str]]:
    lines = (DATA / "surnames.txt").read_text(encoding="utf-8").splitlines()
    words = {w for line in lines if not line.startswith("#") for w in line.split()}
    return (
        frozenset(w for w in words if len(w) == 1),
        frozenset(w for w in words if len(w) == 2),
    )


def is_name(token: str, strict: bool = True) -> bool:
    """A Chinese personal name: a known surname and one or two given-name characters.

    strict also refuses ordinary dictionary words (展望, 方法) that happen to start
    with a surname character."""
    if not re.fullmatch(f"[{CJK}]{{2,4}}", token):
        return False
    single, compound = _surnames()
    compound_name = token[:2] in compound and len(token) in (3, 4)
    if not (compound_name or (token[0] in single and len(token) in (2, 3))):
        return False
    if strict:
        tag = pos_tags().get(token)
        if tag is not None and not tag.startswith("nr"):
            return False
    return True


# ---------------------------------------------------------------- units


def tolerant(text: str) -> str:
    """NFKC, one space for any whitespace run: for matching, never for output."""
    return re.sub(r"\s+", " ", unicodedata.normalize("NFKC", text)).strip()


def strip_markers(text: str) -> tuple[str, bool]:
    """The line without leading layout debris, and whether a ■ bullet was among it."""
    bullet = False
    while True:
        match = LEADING_MARKER.match(text)
        if not match or match.end() == len(text):
            return text, bullet
        bullet = bullet or "■" in match.group()
        text = text[match.end() :]


@dataclass(eq=False)
class Unit:
    index: int  # position of the raw line on the page
    raw: str  # exact substring of the page
    text: str  # without layout markers, as printed
    kind: str = "text"
    column: str | None = None
    rest: str = ""  # header: title printed on the same line
    note: str = ""
    names: list[str] = field(default_factory=list)
    people: list[Person] = field(default_factory=list)

    @cached_property
    def key(self) -> str:
        """Tolerant form without spaces: what structure detection looks at."""
        return re.sub(r"\s+", "", tolerant(self.text))

    @cached_property
    def bare(self) -> str:
        """Letters and digits only: for comparing passages."""
        return re.sub(r"[\W_]", "", self.key)

    @property
    def dangling(self) -> bool:
        return self.kind == "text" and not COMPLETE.search(self.key)


def segment(text: str) -> list[Unit]:
    """One unit per non-blank line; each keeps its exact text from the page."""
    units = []
    for match in re.finditer(r"[^\n]+", text):
        raw = match.group().strip()
        if raw:
            units.append(classify(Unit(len(units), raw, raw)))
    for unit, following in zip(units, _next_kinds(units), strict=True):
        # 观点 over a title rather than over a lede is the column's header.
        if unit.kind == "lede_label" and not unit.rest and following == "heading":
            unit.kind, unit.column = "header", LEDE_LABEL
    return units


def _next_kinds(units: list[Unit]) -> list[str | None]:
    """For each unit, the kind of the next one that is not layout debris."""
    kinds: list[str | None] = [None] * len(units)
    upcoming = None
    for i in range(len(units) - 1, -1, -1):
        kinds[i] = upcoming
        if units[i].kind not in SKIPPED:
            upcoming = units[i].kind
    return kinds


def classify(unit: Unit) -> Unit:
    unit.text, bullet = strip_markers(unit.text)
    key = unit.key
    if not key or LONE_MARKER.match(key) or JUMP.match(key):
        unit.kind = "marker"
    elif PAGE_STAFF.match(key):
        unit.kind = "page_staff"
    elif _header(unit):
        pass
    elif _note(unit) or _credit(unit) or _quote(unit) or _reporter(unit):
        pass
    elif _byline(unit, bullet):
        pass
    elif not BULLET.match(unit.text) and is_heading(key):
        unit.kind = "heading"
    return unit


def derived(unit: Unit, text: str) -> Unit:
    """The part of a line before a glued note or credit, as a unit of its own."""
    return classify(Unit(unit.index, unit.raw, text))


def is_heading(key: str) -> bool:
    if key.endswith("——") and 4 <= len(key) <= MAX_HEADING + 12:
        return True  # a kicker (引题) may hold commas
    if not 2 <= len(key) <= MAX_HEADING or re.search(r"[，,。；;]", key):
        return False
    if key[-1] in ":：、" or key.count(":") + key.count("：") > 1:
        return False
    return len(CJK_CHAR.findall(key)) * 2 >= len(key)


def _header(unit: Unit) -> bool:
    if re.match(r"^[A-Za-z₩￦■]\S", unit.text) and _header_text(unit, unit.text[1:]):
        return True  # G热点思考: the layout letter glued to the header
    return _header_text(unit, unit.text)


def _header_text(unit: Unit, text: str) -> bool:
    tol = tolerant(text)
    for column in COLUMNS:
        if tol.replace(" ", "") == column:
            unit.kind = "lede_label" if column == LEDE_LABEL else "header"
            unit.column = column
            return True
        match = re.match(r"\s*".join(column) + r"\s+(.+)$", text)
        if not match:
            continue
        rest = match.group(1).strip()
        if is_heading(re.sub(r"\s+", "", tolerant(rest))):
            unit.kind, unit.column, unit.rest = "header", column, rest
            return True
        if column == LEDE_LABEL and COMPLETE.search(tolerant(rest)):
            unit.kind, unit.rest = "lede_label", rest  # the label glued to its lede
            return True
    return False


def _note(unit: Unit) -> bool:
    starts = list(NOTE_START.finditer(unit.text))
    if not starts:
        return False
    start = starts[-1].start()
    unit.kind, unit.rest, unit.note = (
        "note",
        unit.text[:start].strip(),
        unit.text[start:],
    )
    return True


def _names_in(text: str) -> list[str]:
    return [t for t in re.split(r"[\s、,，]+", text) if t]


def _credit(unit: Unit) -> bool:
    match = COMPILE_CREDIT.search(unit.text)
    if match:
        names = [n for n in _names_in(match.group(1)) if n not in REPORTER_ROLES]
        people = []
        for name in names:
            role = next((r for r in REPORTER_ROLES if name.startswith(r)), None)
            people.append(Person(name[len(role) :] if role else name, "整理"))
        unit.kind, unit.rest, unit.people = (
            "credit",
            unit.text[: match.start()].strip(),
            people,
        )
        return True
    tol = tolerant(unit.text)
    if GRAPHIC_CREDIT.match(tol):
        unit.kind = "graphic_credit"
        unit.people = [
            Person(name, match.group(1))
            for match in GRAPHIC_CREDIT.finditer(tol)
            for name in _names_in(match.group(2))
        ]
        return True
    return False


def _quote(unit: Unit) -> bool:
    """An expert's attribution under a digest quote: ——单位职务 姓名."""
    tol = tolerant(unit.text)
    if not tol or tol[0] not in DASHES or BULLET.match(tol):
        return False
    body = tol.lstrip(DASHES + " ")
    if not body or len(body) > 60:
        return False
    role, _, last = body.rpartition(" ")
    name = last if role and is_name(last, strict=False) else None
    if name is None:
        role = body
        # A name glued to the job title: ——某某大学教授林某某
        for size in (3, 2, 4):
            head, tail = body[:-size], body[-size:]
            if head and places.ends_with_title(head) and is_name(tail, strict=False):
                role, name = head, tail
                break
    if name is None and not (
        places.split_role(role)[0] or places.ends_with_title(role)
    ):
        return False
    role = role.replace(" ", "")
    affiliation, title = places.split_role(role)
    unit.kind = "quote"
    unit.people = [Person(name, title, affiliation, places.province_of(affiliation))]
    return True


def _reporter(unit: Unit) -> bool:
    tokens = tolerant(unit.text).split(" ")
    people, role = [], None
    for token in tokens:
        prefix = next((r for r in REPORTER_ROLES if token.startswith(r)), None)
        if prefix:
            role, token = prefix, token[len(prefix) :]
            if not token:
                continue
        if role is None or not is_name(token, strict=False):
            return False
        people.append(Person(token, role))
    if not people and role is not None and len(tokens) == 1:
        people = [Person(None, role)]  # ■本报评论员: the paper's own byline, no name
    if not people:
        return False
    unit.kind, unit.people = "reporter", people
    return True


def _byline(unit: Unit, bullet: bool) -> bool:
    text = re.sub(r"^(?:文|作者)\s*[/|:]\s*", "", tolerant(unit.text).lstrip("■ "))
    names = _names_in(text)
    if not 1 <= len(names) <= 6:
        return False
    if not all(is_name(n, strict=False) for n in names):
        return False
    unit.names = names
    # Names that are also words (高峰, 黎明) are bylines only where a byline can stand.
    sure = bullet or any(is_name(n) for n in names)
    unit.kind = "byline" if sure else "maybe_byline"
    return True
