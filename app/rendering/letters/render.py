"""Render a letter: a template (built-in or a landlord's) over a plain context, checked for the
parts the Code requires, then made a PDF.

Templates run in Jinja2's sandbox with autoescaping on and undefined names refused: a landlord's
template is data from outside the service, so it may read only the context it is given (no
attributes of Python objects, no imports, no files) and a resident's words can never become
markup. Templates may extend and include the built-in `base.html`, `_response.html` and
`_ombudsman.html`.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from importlib import resources
from typing import Any

from jinja2 import DictLoader, StrictUndefined, TemplateError
from jinja2.sandbox import SandboxedEnvironment

from app.domain.complaint.events import LetterKind
from app.domain.letters.errors import LetterIncomplete
from app.domain.letters.parts import REQUIRED, missing_parts

# WeasyPrint narrates each of its seven steps at INFO for every PDF: noise in the service's log,
# one line a request being the rule (its warnings and errors still come through).
logging.getLogger("weasyprint.progress").setLevel(logging.WARNING)

BUILTIN_TEMPLATE_ID = "builtin"
BUILTIN_VERSION = 0
_MAIN = "letter.html"


def _builtin_sources() -> dict[str, str]:
    folder = resources.files("app.rendering.letters") / "templates"
    return {
        entry.name: entry.read_text(encoding="utf-8")
        for entry in folder.iterdir()
        if entry.name.endswith(".html")
    }


# Read once at import: a wheel without its templates fails at start-up, not at the first letter.
BUILTIN_SOURCES: dict[str, str] = _builtin_sources()
# What any template may extend or include; never a kind's own letter (no template pulls in another).
SHARED = {
    name: src for name, src in BUILTIN_SOURCES.items() if name == "base.html" or name[0] == "_"
}


def builtin_source(kind: LetterKind) -> str:
    return BUILTIN_SOURCES[f"{kind.value}.html"]


class TemplateInvalid(Exception):
    """A template that does not parse or render (a syntax error, an unknown name, the sandbox)."""

    def __init__(self, detail: str) -> None:
        super().__init__(detail)
        self.detail = detail


@dataclass(frozen=True, slots=True)
class RenderedLetter:
    kind: LetterKind
    html: str


def render_html(kind: LetterKind, source: str, context: dict[str, Any]) -> RenderedLetter:
    """`source` rendered over `context`, refused (LetterIncomplete) if it lacks a required part."""
    env = SandboxedEnvironment(
        loader=DictLoader({**SHARED, _MAIN: source}),
        autoescape=True,
        undefined=StrictUndefined,
        auto_reload=False,
    )
    try:
        html = env.get_template(_MAIN).render(context)
    except TemplateError as error:
        # The message names the template's own construct, never a context value.
        raise TemplateInvalid(f"{type(error).__name__}: {str(error)[:300]}") from error
    missing = missing_parts(kind, html)
    if missing:
        raise LetterIncomplete(kind.value, [p.value for p in missing], REQUIRED[kind].code_sections)
    return RenderedLetter(kind=kind, html=html)


def render_pdf(html: str) -> bytes:
    """The letter as PDF bytes. Deterministic for the same HTML, fonts and WeasyPrint version
    (no creation date is written), so a letter rendered again from the log hashes the same.

    Nothing is fetched: a template's image, stylesheet or font must be inline (a `data:` URL).
    Anything else (http, file) would let a template read the server's files or network into a
    letter, so it stops the rendering (TemplateInvalid)."""
    # Imported here: WeasyPrint loads Pango at import, which only letters need.
    from weasyprint import HTML
    from weasyprint.urls import FatalURLFetchingError, URLFetcher

    fetcher = URLFetcher(allowed_protocols={"data"}, fail_on_errors=True)
    try:
        pdf: bytes = HTML(string=html, base_url=None, url_fetcher=fetcher).write_pdf()
    except FatalURLFetchingError as error:
        raise TemplateInvalid(
            "a letter may load nothing from outside it: data: URLs only"
        ) from error
    return pdf


def sha256(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()
