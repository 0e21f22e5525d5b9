"""Generated page images for the scan tests (no seed page is a picture)."""

import io
import struct
import zlib

from PIL import Image, ImageDraw


def page_image(width=1200, height=1800, mode="L") -> Image.Image:
    """A page-like picture: columns of dark "lines" on paper, a heading block on top."""
    image = Image.new(mode, (width, height), "white")
    draw = ImageDraw.Draw(image)
    draw.rectangle(
        (width // 10, height // 30, width * 9 // 10, height // 12), fill="black"
    )
    for top in range(height // 8, height - 40, max(12, height // 60)):
        bottom = top + max(4, height // 200)
        draw.rectangle((width // 20, top, width // 2 - 20, bottom), fill="gray")
        draw.rectangle((width // 2 + 20, top, width * 19 // 20, bottom), fill="gray")
    return image


def encoded(image: Image.Image, fmt: str, **options) -> bytes:
    out = io.BytesIO()
    image.save(out, fmt, **options)
    return out.getvalue()


def jpeg_bytes(width=1200, height=1800, **options) -> bytes:
    return encoded(page_image(width, height), "JPEG", quality=85, **options)


def pdf_bytes(pages=1, width=850, height=1200) -> bytes:
    images = [page_image(width, height, "RGB") for _ in range(pages)]
    return encoded(
        images[0], "PDF", resolution=100, save_all=True, append_images=images[1:]
    )


def png_claiming(width: int, height: int) -> bytes:
    """A tiny PNG whose header claims a huge size: a decompression bomb's signature."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        crc = struct.pack(">I", zlib.crc32(kind + data))
        return struct.pack(">I", len(data)) + kind + data + crc

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"\0" * 64))
        + chunk(b"IEND", b"")
    )
