"""Raw bytes in every encoding a page arrives in; refusals with a reason for the rest."""

import codecs

import pytest
from hypothesis import given
from hypothesis import strategies as st

from archive.ingest.decoding import CONTROL_CHARS, RefusedInput, decode_page

PAGE = "观点\n\n工会组织要坚持系统观念,强化辩证思维。\n\n(作者单位:某某大学)\n"


@pytest.mark.parametrize(
    "encoding",
    ["utf-8", "utf-8-sig", "utf-16", "utf-16-le", "utf-16-be", "gb18030", "gbk"],
)
def test_every_supported_encoding_decodes_to_the_same_text(encoding):
    assert decode_page(PAGE.encode(encoding)).text == PAGE


def test_utf8_bom_is_not_part_of_the_text():
    page = decode_page(codecs.BOM_UTF8 + PAGE.encode())
    assert page.text == PAGE and page.encoding == "utf-8-sig"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "为空"),
        (b"  \r\n\t ", "为空"),
        (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF"),
        (b"\xff\xd8\xff\xe0\x00\x10JFIF", "JPEG"),
        (b"\x89PNG\r\n\x1a\n\x00\x00", "PNG"),
        (bytes(range(256)) * 4, "NUL|编码"),
        (b"\x00\x01" * 600, "NUL"),
        (b"plain english text only", "汉字"),
    ],
)
def test_non_pages_are_refused_with_a_reason(data, reason):
    with pytest.raises(RefusedInput, match=reason):
        decode_page(data)


def test_oversized_files_are_refused():
    with pytest.raises(RefusedInput, match="过大"):
        decode_page(PAGE.encode() * 10, max_bytes=100)


def test_nul_and_control_characters_never_reach_the_text():
    text = decode_page("观\x00点\x07\u200b正文\x1b。".encode("utf-16")).text
    assert text == "观点正文。"


@given(st.binary(max_size=2000))
def test_any_bytes_either_decode_cleanly_or_are_refused(data):
    try:
        page = decode_page(data)
    except RefusedInput as exc:
        assert str(exc)
    else:
        assert not CONTROL_CHARS.search(page.text)
        assert "\x00" not in page.text
