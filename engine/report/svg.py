"""Small inline SVG charts: no scripts, no external files, readable when printed.

Each chart also has its numbers as a table in the report, for screen readers and for copying.
"""

from __future__ import annotations

from collections.abc import Sequence

from markupsafe import Markup, escape

WIDTH = 640
BAR = 22  # height of one bar row
LABEL = 220  # room for the row labels
COLOURS = {"gain": "#1b7a3a", "loss": "#b3261e", "open": "#8a8a8a", "mixed": "#c77c02"}


def stacked_bars(
    title: str, rows: Sequence[tuple[str, dict[str, int]]], series: Sequence[tuple[str, str]]
) -> Markup:
    """One horizontal bar per row, its parts stacked (series: key and legend text)."""
    largest = max((sum(parts.values()) for _, parts in rows), default=0) or 1
    scale = (WIDTH - LABEL - 60) / largest
    height = BAR * len(rows) + 50
    out = [_open(title, height)]
    for n, (label, parts) in enumerate(rows):
        y = 30 + n * BAR
        out.append(_text(LABEL - 6, y + 15, _short(label), anchor="end"))
        x = float(LABEL)
        for key, _ in series:
            width = parts.get(key, 0) * scale
            if width:
                out.append(
                    f'<rect class="bar {key}" x="{x:.1f}" y="{y + 3}" width="{width:.1f}" '
                    f'height="{BAR - 6}" fill="{COLOURS[key]}"><title>{escape(label)}: '
                    f"{parts[key]}</title></rect>"
                )
            x += width
        out.append(_text(x + 4, y + 15, str(sum(parts.values()))))
    out.append(_legend(series, height - 12))
    out.append("</svg>")
    return Markup("".join(out))


def histogram(title: str, bins: Sequence[tuple[str, int, str]]) -> Markup:
    """Vertical bars: label, count, and kind (gain or loss) per bin."""
    largest = max((count for _, count, _ in bins), default=0) or 1
    height, base = 260, 210
    step = (WIDTH - 60) / max(len(bins), 1)
    out = [_open(title, height)]
    for n, (label, count, kind) in enumerate(bins):
        x = 40 + n * step
        h = count / largest * 170
        out.append(
            f'<rect class="bar {kind}" x="{x + 2:.1f}" y="{base - h:.1f}" width="{step - 4:.1f}" '
            f'height="{h:.1f}" fill="{COLOURS[kind]}"><title>{escape(label)}: {count}</title></rect>'
        )
        out.append(_text(x + step / 2, base - h - 4, str(count), anchor="middle", size=10))
        out.append(_text(x + step / 2, base + 14, label, anchor="middle", size=9))
    out.append(f'<line x1="36" y1="{base}" x2="{WIDTH - 16}" y2="{base}" stroke="#444"/>')
    out.append("</svg>")
    return Markup("".join(out))


def _open(title: str, height: int) -> str:
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" role="img" viewBox="0 0 {WIDTH} {height}" '
        f'width="{WIDTH}" height="{height}" style="max-width:100%;height:auto" '
        f'aria-label="{escape(title)}">'
        f"<title>{escape(title)}</title>"
        f"{_text(0, 16, title, weight='bold')}"
    )


def _text(
    x: float, y: float, text: str, anchor: str = "start", size: int = 12, weight: str = "normal"
) -> str:
    return (
        f'<text x="{x:.1f}" y="{y:.1f}" text-anchor="{anchor}" font-size="{size}" '
        f'font-weight="{weight}">{escape(text)}</text>'
    )


def _legend(series: Sequence[tuple[str, str]], y: int) -> str:
    parts = []
    x = LABEL
    for key, text in series:
        parts.append(f'<rect x="{x}" y="{y - 9}" width="10" height="10" fill="{COLOURS[key]}"/>')
        parts.append(_text(x + 14, y, text, size=11))
        x += 24 + 7 * len(text)
    return "".join(parts)


def _short(label: str, room: int = 28) -> str:
    """A row label that fits left of the bars; the full label is in the bar's tooltip."""
    return label if len(label) <= room else label[: room - 1].rstrip() + "…"
