"""The built-in letter templates, the sandbox a landlord's template runs in, and the PDF."""

from __future__ import annotations

import pytest

from app.domain.complaint.events import LetterKind
from app.domain.letters.errors import LetterIncomplete
from app.rendering.letters.render import (
    TemplateInvalid,
    builtin_source,
    render_html,
    render_pdf,
    sha256,
)
from app.rendering.letters.sample import sample_context as context_for


@pytest.mark.parametrize("kind", list(LetterKind))
def test_every_built_in_template_says_what_the_code_requires(kind: LetterKind) -> None:
    letter = render_html(kind, builtin_source(kind), context_for(kind))
    assert "Riverside Imaginary Homes" in letter.html
    assert "Ada Resident" in letter.html


def test_the_stage_1_response_reads_as_a_response() -> None:
    html = render_html(
        LetterKind.stage_1_response,
        builtin_source(LetterKind.stage_1_response),
        context_for(LetterKind.stage_1_response),
    ).html
    for words in (
        "stage 1",
        "We have upheld your complaint in part.",
        "missed without notice",
        "£75.00 compensation",
        "Replace the window seal, by Friday 13 March 2026",
        "You can ask us to take your complaint to",
        "0300 111 3000",
    ):
        assert words in html, words


def test_a_template_without_the_escalation_route_is_refused_naming_it() -> None:
    source = builtin_source(LetterKind.stage_1_response).replace(
        '{% include "_ombudsman.html" %}', ""
    )
    with pytest.raises(LetterIncomplete) as refused:
        render_html(LetterKind.stage_1_response, source, context_for(LetterKind.stage_1_response))
    assert refused.value.missing == ("ombudsman",)
    assert "6.9" in refused.value.message


def test_a_template_writing_its_own_parts_is_accepted() -> None:
    source = (
        "<p data-part='stage'>Stage {{ stage.number }}</p>"
        "<p data-part='extension'>New date {{ extension.new_date }}</p>"
        "<p data-part='ombudsman'>{{ ombudsman.name }}, {{ ombudsman.phone }}</p>"
    )
    html = render_html(LetterKind.extension, source, context_for(LetterKind.extension)).html
    assert "New date Tuesday 10 March 2026" in html


@pytest.mark.parametrize(
    "source",
    [
        "{{ ''.__class__.__mro__[1].__subclasses__() }}",
        "{{ complaint.reference.__class__ }}",
        "{{ no_such_name }}",
        "{% for x in %}",
        "{% include 'stage_1_response.html' %}",
    ],
)
def test_the_sandbox_refuses_what_a_template_may_not_do(source: str) -> None:
    with pytest.raises(TemplateInvalid):
        render_html(LetterKind.extension, source, context_for(LetterKind.extension))


def test_what_a_resident_wrote_never_becomes_markup() -> None:
    context = context_for(LetterKind.acknowledgement)
    context["complaint"]["description"] = "<script>alert(1)</script> <b>bold</b>"
    html = render_html(
        LetterKind.acknowledgement, builtin_source(LetterKind.acknowledgement), context
    ).html
    assert "<script>alert(1)" not in html
    assert "&lt;script&gt;" in html


def test_the_pdf_is_the_same_bytes_each_time() -> None:
    html = render_html(
        LetterKind.decline, builtin_source(LetterKind.decline), context_for(LetterKind.decline)
    ).html
    first, second = render_pdf(html), render_pdf(html)
    assert first.startswith(b"%PDF-")
    assert sha256(first) == sha256(second)


@pytest.mark.parametrize(
    "tag",
    [
        '<img src="file:///etc/hostname">',
        '<link rel="stylesheet" href="http://127.0.0.1:9/x.css">',
        "<style>@import url('file:///etc/passwd');</style>",
    ],
)
def test_a_letter_loads_nothing_from_outside(tag: str) -> None:
    with pytest.raises(TemplateInvalid):
        render_pdf(f"<html><body>{tag}<p>Hello</p></body></html>")
