"""A safe subset of Markdown for ideas: paragraphs, line breaks, emphasis, lists and links.

Raw HTML is never passed through (markdown-it escapes it with html=False), and links only
keep http(s) and mailto targets, so user text cannot become markup or script.
"""

from __future__ import annotations

from markdown_it import MarkdownIt

_SAFE_SCHEMES = ("http://", "https://", "mailto:")

_md = MarkdownIt("zero", {"html": False, "breaks": True, "linkify": False}).enable(
    ["emphasis", "list", "link", "newline", "paragraph"]
)


def _validate_link(url: str) -> bool:
    return url.strip().lower().startswith(_SAFE_SCHEMES)


_md.validateLink = _validate_link  # type: ignore[method-assign]


def _link_open(renderer, tokens, idx, options, env):  # type: ignore[no-untyped-def]
    # People's links open as ordinary links, but search engines are told not to trust them.
    tokens[idx].attrSet("rel", "nofollow ugc noopener")
    return renderer.renderToken(tokens, idx, options, env)


_md.add_render_rule("link_open", _link_open)


def render_markdown(text: str) -> str:
    return _md.render(text or "")
