from __future__ import annotations

from django import template
from django.utils.safestring import SafeString, mark_safe

from samskab.core.markdown import render_markdown

register = template.Library()


@register.filter
def markdown(text: str) -> SafeString:
    """Render a person's text with the safe Markdown subset (raw HTML is escaped)."""
    return mark_safe(render_markdown(text))  # noqa: S308 - markdown-it escapes all HTML


@register.filter
def shown_name(obj: object) -> str:
    """The author's public name, or pseudonym where the author chose it and it is allowed."""
    author = getattr(obj, "author", None)
    if author is None:
        from django.utils.translation import gettext

        return gettext("Slettet deltager")
    if not author.is_active:
        return author.public_name
    if getattr(obj, "use_pseudonym", False) and author.pseudonym:
        return author.pseudonym
    return author.public_name
