"""Cover art drawn from a title: a square PNG that stays legible as a phone's lock-screen tile."""

from __future__ import annotations

import colorsys
import hashlib
import io
import unicodedata
from collections.abc import Sequence
from functools import cache

from PIL import Image, ImageDraw, ImageFont

COVER_SIZE = 1000
"""Side of the cover embedded in each MP3, in pixels (players want at least 600)."""
FEED_COVER_SIZE = 1400
"""Side of a podcast's own artwork (podcast directories ask for 1400 to 3000)."""

FONT_FILE = "Lato-Regular.ttf"
_MARGIN = 0.09
_TITLE_SIZES = (150, 132, 116, 104, 92, 82, 72, 64)
_MAX_LINES = 5


def _palette(title: str) -> tuple[tuple[int, int, int], tuple[int, int, int], tuple[int, int, int]]:
    """Two deep background colours and an accent, with a hue chosen by the title."""
    hue = int(hashlib.sha256(title.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF

    def rgb(h: float, lightness: float, saturation: float) -> tuple[int, int, int]:
        r, g, b = colorsys.hls_to_rgb(h % 1.0, lightness, saturation)
        return int(r * 255), int(g * 255), int(b * 255)

    return rgb(hue, 0.26, 0.62), rgb(hue + 0.08, 0.14, 0.55), rgb(hue + 0.12, 0.75, 0.9)


_SUBSTITUTES = str.maketrans(
    {
        "—": "-",
        "–": "-",
        "‐": "-",
        "‑": "-",
        "−": "-",
        "ß": "ss",
        "æ": "ae",
        "Æ": "AE",
        "œ": "oe",
        "Œ": "OE",
        "ø": "o",
        "Ø": "O",
        "ł": "l",
        "Ł": "L",
        "\u00a0": " ",
    }
)


@cache
def _has_glyph(char: str) -> bool:
    """Whether the cover's font draws ``char``."""
    font = _font(40)
    missing = font.getmask("\ue000")
    mask = font.getmask(char)
    return char.isspace() or (mask.size, bytes(mask)) != (missing.size, bytes(missing))


def drawable(text: str) -> str:
    """``text`` with letters the font lacks written without their accents (``ő`` -> ``o``, ``ß``
    -> ``ss`` in Pillow's own font) and anything else it cannot draw left out, rather than drawn
    as empty boxes."""
    out = []
    for char in text:
        if _has_glyph(char):
            out.append(char)
            continue
        base = "".join(
            c for c in unicodedata.normalize("NFKD", char.translate(_SUBSTITUTES)) if not unicodedata.combining(c)
        )
        out.append("".join(c for c in base if _has_glyph(c)))
    return " ".join("".join(out).split())


def _font(size: int) -> ImageFont.FreeTypeFont | ImageFont.ImageFont:
    """Lato (``font-lato``, SIL Open Font License): Latin-1 and Latin Extended-A, so é, ñ, ü, ß, ç,
    œ and « » are drawn as they are written; Pillow's own font (letters without accents) where it
    is not installed."""
    path = font_file()
    return ImageFont.truetype(path, size) if path is not None else ImageFont.load_default(size=size)


@cache
def font_file() -> str | None:
    """The cover's font file, or None when the package that ships it is missing."""
    try:
        from importlib import resources

        path = resources.files("font_lato") / "files" / FONT_FILE
    except ImportError:
        return None
    return str(path) if path.is_file() else None


def _pieces(draw: ImageDraw.ImageDraw, word: str, font, width: float) -> list[str]:
    """A word too wide for a line, cut into pieces that fit (the last one left open)."""
    pieces, piece = [], ""
    for char in word:
        if piece and draw.textlength(piece + char, font=font) > width:
            pieces.append(piece)
            piece = ""
        piece += char
    return [*pieces, piece]


def _wrap(
    draw: ImageDraw.ImageDraw, text: str, font, width: float, split: bool
) -> list[str] | None:
    """Words in lines no wider than ``width``. A word wider than a line is cut if ``split``,
    else the answer is None."""
    lines: list[str] = []
    for word in text.split():
        if draw.textlength(word, font=font) > width:
            if not split:
                return None
            pieces = _pieces(draw, word, font, width)
            lines.extend(pieces[:-1])
            word = pieces[-1]
        if lines and draw.textlength(f"{lines[-1]} {word}", font=font) <= width:
            lines[-1] = f"{lines[-1]} {word}"
        else:
            lines.append(word)
    return lines


def _fit_title(draw: ImageDraw.ImageDraw, title: str, width: float, height: float, scale: float):
    """The largest size at which the title fits the box in at most five lines, words whole if
    possible; a title too long even then is cut short with an ellipsis."""
    sizes = [int(s * scale) for s in _TITLE_SIZES]
    for split in (False, True):
        for size in sizes:
            font = _font(size)
            lines = _wrap(draw, title, font, width, split)
            if lines and len(lines) <= _MAX_LINES and len(lines) * size * 1.15 <= height:
                return font, size, lines
    lines = lines[:_MAX_LINES]
    while lines[-1] and draw.textlength(lines[-1] + "…", font=font) > width:
        lines[-1] = lines[-1][:-1]
    lines[-1] += "…"
    return font, size, lines


def _waveform(
    draw,
    seed: str,
    groups: Sequence[float],
    left: int,
    width: int,
    top: int,
    bottom: int,
    scale: float,
    colour,
) -> None:
    """Thin rounded bars like a waveform, one group per value, each as wide as its share."""
    step, bar, gap = 18 * scale, 10 * scale, 28 * scale
    total = sum(groups) or 1.0
    usable = width - gap * (len(groups) - 1)
    noise = hashlib.sha256(seed.encode()).digest() * 8
    x, k = float(left), 0
    for value in groups:
        end = x + max(usable * value / total, bar)
        while x + bar <= end + 0.5:
            h = (bottom - top) * (0.25 + 0.75 * noise[k % len(noise)] / 255)
            mid = (top + bottom) / 2
            draw.rounded_rectangle(
                [x, mid - h / 2, x + bar, mid + h / 2], radius=bar / 2, fill=colour
            )
            x += step
            k += 1
        x = end + gap


def cover_png(
    title: str, top: str = "", bottom: str = "", bars: Sequence[float] = (), size: int = COVER_SIZE
) -> bytes:
    """A square PNG: ``title`` large and wrapped, ``top`` and ``bottom`` as small labels, and a
    row of bars (e.g. the chapters' lengths) along the foot. Same inputs, same bytes."""
    scale = size / COVER_SIZE
    dark, darker, accent = _palette(title)
    title, top, bottom = drawable(title) or "audioroutine", drawable(top), drawable(bottom)
    image = Image.new("RGB", (size, size), dark)
    draw = ImageDraw.Draw(image)
    for y in range(size):  # vertical gradient
        t = y / (size - 1)
        colour = tuple(int(a + (b - a) * t) for a, b in zip(dark, darker, strict=True))
        draw.line([(0, y), (size, y)], fill=colour)

    margin = int(size * _MARGIN)
    inner = size - 2 * margin
    label = _font(int(44 * scale))
    if top:
        draw.text((margin, margin), top.upper(), font=label, fill=accent)
    if bottom:
        draw.text((margin, size - margin), bottom, font=label, fill=(235, 235, 235), anchor="ls")

    bar_top, bar_bottom = size - margin - int(200 * scale), size - margin - int(90 * scale)
    _waveform(
        draw,
        title,
        [max(v, 0.0) for v in bars] or [1.0],
        margin,
        inner,
        bar_top,
        bar_bottom,
        scale,
        accent,
    )

    box_top, box_bottom = margin + int(90 * scale), bar_top - int(50 * scale)
    font, font_size, lines = _fit_title(draw, title, inner, box_bottom - box_top, scale)
    line_height = font_size * 1.15
    y = box_top + ((box_bottom - box_top) - line_height * len(lines)) / 2
    for line in lines:
        draw.text(
            (margin, y),
            line,
            font=font,
            fill=(255, 255, 255),
            stroke_width=max(1, int(2 * scale)),
            stroke_fill=(255, 255, 255),
        )
        y += line_height

    buffer = io.BytesIO()
    image.save(buffer, format="PNG")
    return buffer.getvalue()
