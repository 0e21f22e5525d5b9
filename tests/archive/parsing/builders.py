"""Small pages for parser tests: paragraphs joined as OCR prints them, and lookups."""

from archive.ingest.parsing import ParsedPage, Piece


def page(*paragraphs: str) -> str:
    return "\n\n".join(paragraphs) + "\n"


def only(parsed: ParsedPage, title_part: str) -> Piece:
    found = [p for p in parsed.pieces if title_part in p.title.replace(" ", "")]
    assert len(found) == 1, [p.title for p in parsed.pieces]
    return found[0]


def codes(piece: Piece) -> set[str]:
    return {f.code for f in piece.flags}


def people(persons) -> list[tuple]:
    return [(p.name, p.role, p.affiliation, p.province) for p in persons]


BODY_A = "基层工会是工会组织体系的基础，在联系服务职工方面发挥着重要作用。"
BODY_B = "各地工会不断创新工作方式，推动服务资源向基层倾斜，取得了明显成效。"
BODY_C = "下一步要持续完善制度机制，把服务职工的各项工作做实做细做到位。"
