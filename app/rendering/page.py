"""A self-contained HTML page: one inline style sheet, no script, no external asset, so it can be
emailed, printed or published as it is. Every text passes through `escape`."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from html import escape

STYLE = """
body{font-family:Arial,Helvetica,sans-serif;color:#0b0c0c;max-width:62rem;margin:2rem auto;
padding:0 1rem;line-height:1.45}
h1{font-size:1.8rem}h2{font-size:1.35rem;margin-top:2.2rem;border-top:2px solid #b1b4b6;
padding-top:1rem}
table{border-collapse:collapse;margin:1rem 0}th,td{border:1px solid #b1b4b6;padding:.3rem .6rem;
text-align:left;vertical-align:top}td.n,th.n{text-align:right}
figure{margin:1.2rem 0}figcaption{color:#505a5f;max-width:46rem}
p.lead{font-size:1.1rem}.note{color:#505a5f}
"""

Cell = str | int | float | None


def _cell(value: Cell) -> str:
    if value is None:
        return "\N{EN DASH}"
    if isinstance(value, float):
        return f"{value:,.1f}"
    if isinstance(value, int):
        return f"{value:,}"
    return value


@dataclass
class Page:
    title: str
    subtitle: str
    parts: list[str] = field(default_factory=list)
    # A page kept open on a wall: the browser reloads it itself, no script needed.
    refresh_seconds: int | None = None

    def heading(self, text: str) -> None:
        self.parts.append(f"<h2>{escape(text)}</h2>")

    def paragraph(self, text: str, *, note: bool = False) -> None:
        css = ' class="note"' if note else ""
        self.parts.append(f"<p{css}>{escape(text)}</p>")

    def chart(self, svg: str, caption: str) -> None:
        """`svg` is trusted markup from app.rendering.charts (it escapes its own text); empty, a
        chart with nothing to draw, said in words rather than drawn as an empty axis."""
        drawn = svg or '<p class="note">None in this period: nothing to draw.</p>'
        self.parts.append(f"<figure>{drawn}<figcaption>{escape(caption)}</figcaption></figure>")

    def table(self, caption: str, headers: Sequence[str], rows: Sequence[Sequence[Cell]]) -> None:
        head = "".join(
            f'<th scope="col"{" class=n" if i else ""}>{escape(h)}</th>'
            for i, h in enumerate(headers)
        )
        body = "".join(
            "<tr>"
            + "".join(
                f"<td{' class=n' if not isinstance(v, str) else ''}>{escape(_cell(v))}</td>"
                for v in row
            )
            + "</tr>"
            for row in rows
        )
        if not rows:
            body = f'<tr><td colspan="{len(headers)}">None in this period.</td></tr>'
        self.parts.append(
            f"<table><caption>{escape(caption)}</caption><thead><tr>{head}</tr></thead>"
            f"<tbody>{body}</tbody></table>"
        )

    def render(self) -> str:
        return (
            '<!DOCTYPE html>\n<html lang="en-GB"><head><meta charset="utf-8">'
            '<meta name="viewport" content="width=device-width, initial-scale=1">'
            + (
                ""
                if self.refresh_seconds is None
                else f'<meta http-equiv="refresh" content="{int(self.refresh_seconds)}">'
            )
            + f"<title>{escape(self.title)}</title><style>{STYLE}</style></head><body><main>"
            f'<h1>{escape(self.title)}</h1><p class="lead">{escape(self.subtitle)}</p>'
            + "".join(self.parts)
            + "</main></body></html>\n"
        )
