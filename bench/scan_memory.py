"""Scan benchmark (not a test): peak memory and time to render a 50 MP page scan.

# .venv/bin/python bench/scan_memory.py                  # every format, 5800×8700 px
# .venv/bin/python bench/scan_memory.py --files 10   # + ten colour JPEGs in one call

Each case runs in a fresh Python process that imports archive.scans.imaging (pure, no
Django) and calls imaging.prepare() on a generated page: paper grain, a heading, columns
of text-like blocks, so it compresses like a scan. Peak RSS is the child's ru_maxrss
(from wait4, so nothing is sampled); "imports" is its RSS before the file is touched.
"""

from __future__ import annotations

import argparse
import os
import platform
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
WIDTH, HEIGHT = 5800, 8700  # a broadsheet page at 300 dpi: 50.5 megapixels

CASES = [
    ("JPEG, grey", "grey.jpg", {"quality": 85}),
    ("JPEG, colour", "colour.jpg", {"quality": 85}),
    (
        "JPEG, grey, progressive",
        "grey-progressive.jpg",
        {"quality": 85, "progressive": True},
    ),
    ("PNG, grey", "grey.png", {}),
    ("PNG, colour", "colour.png", {}),
    ("TIFF, grey, LZW", "grey.tif", {"compression": "tiff_lzw"}),
    ("TIFF, colour, LZW", "colour.tif", {"compression": "tiff_lzw"}),
    (
        "TIFF, colour, one strip",
        "colour-strip.tif",
        {"compression": "tiff_lzw", "strip_size": 2**31 - 1},
    ),
]

CHILD = """
import resource, sys, time
from pathlib import Path
sys.path.insert(0, {root!r})
from archive.scans import imaging
imports = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
start = time.perf_counter()
kept = [imaging.prepare(Path(p), Path(p).name, imaging.Limits()) for p in sys.argv[1:]]
page = kept[0].pages[0]
print(imports, time.perf_counter() - start, page.width, page.height)
"""


def page(colour: bool):
    from PIL import Image, ImageDraw

    image = Image.effect_noise((WIDTH, HEIGHT), 18).point(lambda v: min(255, v + 100))
    draw = ImageDraw.Draw(image)
    draw.rectangle((WIDTH // 10, HEIGHT // 30, WIDTH * 9 // 10, HEIGHT // 12), fill=20)
    for top in range(HEIGHT // 8, HEIGHT - 40, 40):
        for left in range(WIDTH // 20, WIDTH * 19 // 20, 60):
            draw.rectangle((left, top, left + 40, top + 24), fill=40)
    if not colour:
        return image
    return Image.merge(
        "RGB",
        (
            image,
            image.point(lambda v: max(0, v - 10)),
            image.point(lambda v: max(0, v - 30)),
        ),
    )


def generate(folder: Path) -> None:
    pages = {False: page(colour=False), True: page(colour=True)}
    for _, name, options in CASES:
        pages["colour" in name].save(folder / name, **options)


def run(files: list[Path]) -> tuple[float, float, float, str]:
    """(imports MB, peak MB, seconds, size) of one process preparing `files` in turn."""
    proc = subprocess.Popen(
        [sys.executable, "-c", CHILD.format(root=str(ROOT)), *map(str, files)],
        stdout=subprocess.PIPE,
        text=True,
    )
    out = proc.stdout.read()
    _, status, usage = os.wait4(proc.pid, 0)
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode:
        raise SystemExit(f"failed on {files[0].name}")
    imports, seconds, width, height = out.split()
    return (
        int(imports) / 1024,
        usage.ru_maxrss / 1024,
        float(seconds),
        f"{width}×{height}",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--files", type=int, default=0, help="also N colour JPEGs in one call"
    )
    parser.add_argument("--generate", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.generate:
        return generate(args.generate)
    with tempfile.TemporaryDirectory(prefix="scan-bench-") as work:
        folder = Path(work)
        # In a process of its own: a child's peak RSS counts what it was forked from.
        subprocess.run([sys.executable, __file__, "--generate", work], check=True)
        print(
            f"{platform.processor() or platform.machine()}, {os.cpu_count()} CPUs, "
            f"Python {platform.python_version()}, load {os.getloadavg()[0]:.1f}"
        )
        print(f"{'scan':28} {'file':>8} {'imports':>8} {'peak RSS':>9} {'time':>6}")
        for label, name, _ in CASES:
            path = folder / name
            imports, peak, seconds, size = run([path])
            megabytes = path.stat().st_size / 1024 / 1024
            print(
                f"{label:28} {megabytes:6.1f}MB {imports:6.0f}MB "
                f"{peak:7.0f}MB {seconds:5.1f}s"
            )
        if args.files:
            imports, peak, seconds, _ = run([folder / "colour.jpg"] * args.files)
            label = f"{args.files} × JPEG, colour"
            print(f"{label:28} {'':>8} {imports:6.0f}MB {peak:7.0f}MB {seconds:5.1f}s")
        print(f"page: {size} px ({WIDTH * HEIGHT / 1e6:.1f} MP)")


if __name__ == "__main__":
    main()
