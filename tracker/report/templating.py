"""The report's one template environment: Jinja2 over tracker/report/templates/, escaping every value it prints.

The briefing pack and the presenter's slides are templates; a value reaches the HTML only through `{{ ... }}`,
which escapes it (a title with `<script>` or `&` prints as text). Fragments that are already HTML — Plotly's
div and script, the status chips, countdowns and source links of tracker.report.html — are `Markup` and print
as they are; templates call those through the globals `chip`, `countdown` and `source`.

Escaping is `html.escape`'s, so the output is what the hand-escaped f-strings wrote before (`'` as `&#x27;`).
In element content, where quotes need no escaping, the filter `|text` leaves them as typed (the slides' notes
and stamp read "the board's filters" in the page's HTML, as before); it is never for attribute values.
"""

from __future__ import annotations

import html
from collections.abc import Callable
from typing import Any, ParamSpec

from jinja2 import Environment, PackageLoader, StrictUndefined
from markupsafe import Markup

from tracker.report.html import countdown_html, source_html, status_chip_html

TEMPLATES = "templates"
P = ParamSpec("P")


def _escaped(value: object) -> object:
    """Every printed value, escaped as html.escape does it; Markup (anything with __html__) passes as it is."""
    if hasattr(value, "__html__"):
        return value
    return Markup(html.escape(str(value)))


def _text(value: object) -> Markup:
    """Escaped for element content only: <, > and & become entities, quotes stay as typed."""
    if hasattr(value, "__html__"):
        return Markup(value)
    return Markup(html.escape(str(value), quote=False))


def _markup(render: Callable[P, str]) -> Callable[P, Markup]:
    """A tracker.report.html fragment builder whose string is marked safe for templates."""

    def wrapped(*args: P.args, **kwargs: P.kwargs) -> Markup:
        return Markup(render(*args, **kwargs))

    wrapped.__doc__ = render.__doc__
    return wrapped


def _environment() -> Environment:
    env = Environment(
        loader=PackageLoader("tracker.report", TEMPLATES),
        autoescape=True,
        undefined=StrictUndefined,  # a misspelt name fails loudly instead of printing nothing
        finalize=_escaped,
        trim_blocks=True,  # a line holding only {% ... %} leaves no blank line in the HTML
        lstrip_blocks=True,
        auto_reload=False,  # the templates are package data: read once
    )
    env.filters["text"] = _text
    env.globals.update(chip=_markup(status_chip_html), countdown=_markup(countdown_html), source=_markup(source_html))
    return env


ENV = _environment()


def render(template: str, **values: Any) -> str:
    """One template of tracker/report/templates/, filled in."""
    return ENV.get_template(template).render(**values)
