"""Raw page bytes to text: detect the encoding, refuse what is not a page of text."""

import codecs
import re
import unicodedata
from dataclasses import dataclass

from charset_normalizer import from_bytes

from archive.ingest.text import CJK_CHAR

# Magic numbers of files that arrive renamed to .txt by mistake.
BINARY_SIGNATURES = {
    b"%PDF": "PDF 文件",
    b"\xff\xd8\xff": "JPEG 图片",
    b"\x89PNG": "PNG 图片",
    b"GIF8": "GIF 图片",
    b"II*\x00": "TIFF 图片",
    b"MM\x00*": "TIFF 图片",
    b"PK\x03\x04": "ZIP/Office 文件",
    b"\xd0\xcf\x11\xe0": "旧版 Office 文件",
    b"\x7fELF": "可执行文件",
}
BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]
# Everything in Unicode's "other" categories except line breaks and tabs: NUL is
# refused by PostgreSQL, the rest are invisible OCR debris. The set is frozen: an
# issue's text is what these bytes decode to, and the fixity check re-derives it.
CONTROL_CHARS = re.compile(
    r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff\ufff9-\ufffb]"
)


class RefusedInput(ValueError):
    """The bytes are not a page of OCR text; the message says why, in Chinese."""


@dataclass(frozen=True)
class DecodedPage:
    text: str
    encoding: str


def decode_page(data: bytes, *, max_bytes: int | None = None) -> DecodedPage:
    """Decode raw page bytes, or raise RefusedInput with a reason an editor can act on."""
    if max_bytes is not None and len(data) > max_bytes:
        raise RefusedInput(
            f"文件过大（{len(data)} 字节，上限 {max_bytes} 字节），不像单个版面的文本。"
        )
    if not data.strip():
        raise RefusedInput("文件为空或只有空白。")
    for signature, kind in BINARY_SIGNATURES.items():
        if data.startswith(signature):
            raise RefusedInput(f"这是{kind}，不是 OCR 文本；请导入识别后的 .txt 文本。")
    text, encoding = _decode(data)
    text = remove_control_characters(text)
    if not text.strip():
        raise RefusedInput("文件解码后没有可见文字。")
    if not CJK_CHAR.search(text):
        raise RefusedInput(f"按 {encoding} 解码后没有任何汉字，不像理论版的 OCR 文本。")
    return DecodedPage(text=text, encoding=encoding)


def remove_control_characters(text: str) -> str:
    return CONTROL_CHARS.sub("", text)


def _decode(data: bytes) -> tuple[str, str]:
    for bom, encoding in BOMS:
        if data.startswith(bom):
            try:
                return data.decode(encoding), encoding
            except UnicodeDecodeError as exc:
                raise RefusedInput(
                    f"文件以 {encoding} 标记开头，但内容无法按该编码解码。"
                ) from exc
    utf16 = _utf16_without_bom(data)
    if utf16:
        return utf16
    if data.count(0) > len(data) // 100:
        raise RefusedInput("文件含有大量 NUL 字节，像是二进制文件而不是文本。")
    # A few stray NULs in a text file are OCR debris (PostgreSQL refuses them).
    data = data.replace(b"\x00", b"")
    for encoding in ("utf-8", "gb18030"):
        try:
            text = data.decode(encoding)
        except UnicodeDecodeError:
            continue
        if encoding == "utf-8" or _looks_like_text(text):
            return text, encoding
    best = from_bytes(data).best()
    if best is not None and _looks_like_text(str(best)):
        return str(best), best.encoding
    raise RefusedInput("无法识别文件编码（已尝试 UTF-8、UTF-16、GB18030/GBK）。")


def _utf16_without_bom(data: bytes) -> tuple[str, str] | None:
    # ASCII line breaks and punctuation in UTF-16 carry a NUL in their high byte, so
    # NULs pile up on one side of each byte pair; binary data spreads them evenly.
    if len(data) % 2 or b"\x00" not in data:
        return None
    for encoding, zero_at in (("utf-16-le", 1), ("utf-16-be", 0)):
        zeros, other = data[zero_at::2].count(0), data[1 - zero_at :: 2].count(0)
        if zeros > 4 * other + 2:
            try:
                text = data.decode(encoding)
            except UnicodeDecodeError:
                continue
            if _looks_like_text(text):
                return text, encoding
    return None


def _looks_like_text(text: str) -> bool:
    if not text:
        return False
    printable = sum(
        1
        for ch in text
        if ch in "\n\r\t" or not unicodedata.category(ch).startswith("C")
    )
    return printable / len(text) > 0.97 and bool(CJK_CHAR.search(text))
