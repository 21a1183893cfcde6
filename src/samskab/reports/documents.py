"""The report as a page, a PDF, a .docx and its charts, from one data document (live or frozen).

The PDF and the .docx are made from the same HTML as the page (`reports/_body.html`), so they
carry the same words and figures; in both, the bilag are absolute addresses (`SITE_URL`), since a
document is read outside the site.
"""

from __future__ import annotations

import io
from html.parser import HTMLParser
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from samskab.reports import charts
from samskab.reports.templatetags import report_tags


def _chart(title: str, rows: list[tuple[str, float]], unit: str = "") -> dict[str, str]:
    return {
        "title": title,
        "src": charts.data_uri(charts.bars(rows, unit=unit)),
        "alt": charts.alt_text(title, rows, unit),
    }


def chart_list(data: dict[str, Any]) -> dict[str, dict[str, str]]:
    """The charts the report shows, by section; a section with nothing to show has none."""
    out = {}
    part = data["participation"]
    if part["by_role"]:
        out["roles"] = _chart(
            _("Deltagere fordelt på rolle"),
            [(report_tags.role(k), n) for k, n in part["by_role"]],
        )
    ranking = data["ranking"]
    if not ranking["empty"]:
        out["ranking"] = _chart(
            _("Prioriteringen: sandsynlighed for at blive foretrukket"),
            [(r["title"], r["score"]) for r in ranking["rows"]],
            " %",
        )
    inits = data["initiatives"]
    if not inits["empty"]:
        total = inits["total"]
        out["economy"] = _chart(
            _("Tilsagn fordelt på kommune og eksterne partnere (kr.)"),
            [
                (_("Kommunen"), float(total["municipal"])),
                (_("Eksterne partnere"), float(total["external"])),
            ],
        )
    return out


DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def absolute(url: str) -> str:
    """A path on this site as an address that works outside it."""
    return settings.SITE_URL + url if url.startswith("/") else url


def context(data: dict[str, Any], *, absolute_links: bool = False) -> dict[str, Any]:
    texts = data.get("texts") or {}
    attachments = [tuple(a) for a in data.get("attachments") or []]
    if absolute_links:
        attachments = [(label, absolute(url)) for label, url in attachments]
    return {
        "data": data,
        "texts": texts,
        "clauses": texts.get("clauses") or [],
        "charts": chart_list(data),
        "attachments": attachments,
        "absolute_links": absolute_links,
        "lang": (get_language() or "da").split("-")[0],
    }


def pdf_bytes(data: dict[str, Any]) -> bytes:
    """The accessible PDF (PDF/UA-1: tagged, with the language and every figure's alt text)."""
    from weasyprint import HTML

    html = render_to_string("reports/report_pdf.html", context(data, absolute_links=True))
    return HTML(string=html, base_url=settings.SITE_URL + "/").write_pdf(pdf_variant="pdf/ua-1")


# -- the .docx -----------------------------------------------------------------------------------


class _Blocks(HTMLParser):
    """The report's HTML as a list of blocks: ("h", level, text), ("p", text), ("li", ordered,
    text), ("table", caption, header rows, body rows). Pictures are left out: the numbers behind
    every chart are in the table next to it."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[tuple[Any, ...]] = []
        self.text: list[str] | None = None
        self.tag = ""
        self.lists: list[bool] = []
        self.table: dict[str, Any] | None = None
        self.row: list[str] | None = None
        self.in_head = False
        self.skip = 0
        self.href = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in ("figure", "style", "title", "script"):
            self.skip += 1
        elif self.skip:
            return
        elif tag in ("h1", "h2", "h3", "h4", "p", "li", "caption", "th", "td"):
            self.text, self.tag = [], tag
        elif tag in ("ul", "ol"):
            self.lists.append(tag == "ol")
        elif tag == "table":
            self.table = {"caption": "", "head": [], "body": []}
        elif tag == "thead":
            self.in_head = True
        elif tag == "tr":
            self.row = []
        elif tag == "br" and self.text is not None:
            self.text.append("\x00")
        elif tag == "a":
            self.href = dict(attrs).get("href") or ""

    def handle_endtag(self, tag: str) -> None:
        if tag in ("figure", "style", "title", "script"):
            self.skip = max(0, self.skip - 1)
            return
        if self.skip:
            return
        if tag == "a" and self.href and self.text is not None:
            if self.href.startswith("http"):
                self.text.append(f" ({self.href})")
            self.href = ""
        elif tag in ("h1", "h2", "h3", "h4", "p", "li", "caption", "th", "td") and tag == self.tag:
            # Line breaks in the template are spaces; a <br> is a line break.
            raw = "".join(self.text or []).split("\x00")
            text = "\n".join(" ".join(line.split()) for line in raw).strip()
            self.text, self.tag = None, ""
            if tag in ("h1", "h2", "h3", "h4"):
                self.blocks.append(("h", int(tag[1]), text))
            elif tag == "p" and text:
                self.blocks.append(("p", text))
            elif tag == "li":
                self.blocks.append(("li", bool(self.lists and self.lists[-1]), text))
            elif tag == "caption" and self.table is not None:
                self.table["caption"] = text
            elif self.row is not None:
                self.row.append(text)
        elif tag in ("ul", "ol") and self.lists:
            self.lists.pop()
        elif tag == "thead":
            self.in_head = False
        elif tag == "tr" and self.table is not None and self.row is not None:
            self.table["head" if self.in_head else "body"].append(self.row)
            self.row = None
        elif tag == "table" and self.table is not None:
            t = self.table
            self.blocks.append(("table", t["caption"], t["head"], t["body"]))
            self.table = None

    def handle_data(self, data: str) -> None:
        if not self.skip and self.text is not None:
            self.text.append(data)


def _mark_header_row(row: Any) -> None:
    """A table's header row repeats on every page and is read as headers (w:tblHeader)."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    tr_pr = row._tr.get_or_add_trPr()
    header = OxmlElement("w:tblHeader")
    header.set(qn("w:val"), "true")
    tr_pr.append(header)


def _set_language(document: Any, lang: str) -> None:
    """The document's language, in its properties and as the default for all text."""
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document.core_properties.language = lang
    styles = document.styles.element
    defaults = styles.find(qn("w:docDefaults"))
    r_pr = defaults.find(qn("w:rPrDefault")).find(qn("w:rPr"))
    found = r_pr.find(qn("w:lang"))
    if found is None:
        found = OxmlElement("w:lang")
        r_pr.append(found)
    for attr in ("w:val", "w:eastAsia", "w:bidi"):
        found.set(qn(attr), lang)


def docx_bytes(data: dict[str, Any]) -> bytes:
    """The report as a Word document: headings as heading styles, tables with a header row,
    the document's language set (da-DK, or en-GB in English), the bilag as absolute links."""
    from docx import Document

    ctx = context(data, absolute_links=True)
    html = render_to_string("reports/report_docx.html", ctx)
    parser = _Blocks()
    parser.feed(html)
    document = Document()
    _set_language(document, "da-DK" if ctx["lang"] == "da" else "en-GB")
    document.core_properties.title = (
        str(_("Indstilling til udvalget")) + ": " + (data.get("challenge") or {}).get("title", "")
    )
    document.core_properties.author = data.get("municipality", "")
    for block in parser.blocks:
        kind = block[0]
        if kind == "h":
            document.add_heading(block[2], level=0 if block[1] == 1 else block[1] - 1)
        elif kind == "p":
            document.add_paragraph(block[1])
        elif kind == "li":
            document.add_paragraph(block[2], style="List Number" if block[1] else "List Bullet")
        elif kind == "table":
            _caption, head, body = block[1], block[2], block[3]
            if _caption:
                document.add_paragraph(_caption, style="Caption")
            rows = head + body
            width = max((len(r) for r in rows), default=0)
            if not width:
                continue
            table = document.add_table(rows=len(rows), cols=width)
            table.style = "Table Grid"
            for r, cells in enumerate(rows):
                for c, text in enumerate(cells):
                    table.cell(r, c).text = text
                    if r < len(head):
                        for run in table.cell(r, c).paragraphs[0].runs:
                            run.bold = True
                if r < len(head):
                    _mark_header_row(table.rows[r])
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
