"""The stored landscape as files: GraphML (Gephi, yEd, Kumu), JSON (nodes, ties, measures) and
CSV (actors with their measures, and ties) for a spreadsheet.

Everything is read from the stored document (`samskab.landscape.results`), which names no
person: actors are organisations, municipal units and citizen groups of at least the minimum
group size. Text cells in CSV go through `core.exports.neutralise_cell`.
"""

from __future__ import annotations

import io
import json
from typing import Any
from xml.sax.saxutils import escape, quoteattr

from django.utils.translation import gettext as _

from samskab.core.exports import Table, excel_csv, xlsx_bytes
from samskab.landscape.summary import sector_label

#: Actor columns in GraphML and CSV, with their GraphML types.
NODE_FIELDS: tuple[tuple[str, str], ...] = (
    ("label", "string"),
    ("sector", "string"),
    ("kind", "string"),
    ("department", "string"),
    ("x", "double"),
    ("y", "double"),
    ("island", "int"),
    ("community", "int"),
    ("degree", "int"),
    ("weight", "double"),
    ("betweenness", "double"),
    ("constraint", "double"),
    ("effective_size", "double"),
    ("ei", "double"),
    ("broker", "boolean"),
    ("cut_point", "boolean"),
    ("hub", "boolean"),
    ("arenas", "string"),
)
EDGE_FIELDS: tuple[tuple[str, str], ...] = (
    ("weight", "double"),
    ("kinds", "string"),
    ("first", "string"),
    ("last", "string"),
    ("bridge", "boolean"),
)


def _text(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return " ".join(str(v) for v in value)
    if isinstance(value, dict):
        return " ".join(f"{k}={v}" for k, v in value.items())
    return str(value)


def _xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot hold (control characters other than tab and newlines)."""
    return "".join(c for c in text if c in "\t\n\r" or ord(c) >= 0x20)


def graphml(doc: dict[str, Any]) -> str:
    """The network as GraphML 1.0: one node per actor, one undirected edge per tied pair
    (relation "tie"), each attribute declared as a key, then the arenas as nodes tied to their
    actors (relation "takes_part"). Empty attributes (null) are left out of the element."""
    out = io.StringIO()
    out.write('<?xml version="1.0" encoding="UTF-8"?>\n')
    out.write(
        '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
        'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
        'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
    )
    for name, kind in NODE_FIELDS:
        out.write(f'  <key id="n_{name}" for="node" attr.name="{name}" attr.type="{kind}"/>\n')
    for name, kind in EDGE_FIELDS:
        out.write(f'  <key id="e_{name}" for="edge" attr.name="{name}" attr.type="{kind}"/>\n')
    out.write('  <key id="e_relation" for="edge" attr.name="relation" attr.type="string"/>\n')
    period = doc.get("period") or {}
    out.write('  <graph id="landskab" edgedefault="undirected">\n')
    if period:
        out.write(
            f"    <!-- {escape(_xml_safe(str(period.get('start'))))} – "
            f"{escape(_xml_safe(str(period.get('end'))))} -->\n"
        )
    for actor in doc.get("actors", []):
        out.write(f"    <node id={quoteattr(_xml_safe(actor['id']))}>\n")
        for name, _kind in NODE_FIELDS:
            value = actor.get(name)
            if value is None:
                continue
            out.write(f'      <data key="n_{name}">{escape(_xml_safe(_text(value)))}</data>\n')
        out.write("    </node>\n")
    for i, tie in enumerate(doc.get("ties", [])):
        source, target = quoteattr(_xml_safe(tie["a"])), quoteattr(_xml_safe(tie["b"]))
        out.write(f'    <edge id="e{i}" source={source} target={target}>\n')
        for name, _kind in EDGE_FIELDS:
            value = tie.get(name)
            if value is None:
                continue
            out.write(f'      <data key="e_{name}">{escape(_xml_safe(_text(value)))}</data>\n')
        out.write('      <data key="e_relation">tie</data>\n')
        out.write("    </edge>\n")
    # The challenges, initiatives, rooms … where the actors meet, as nodes of their own (kind
    # "arena:<kind>"), each tied to the actors that took part ("takes_part"): the two-mode
    # network Gephi or Kumu can show beside the actors' own. A closed arena has no title here.
    arenas = doc.get("arenas") or {}
    for key in sorted(arenas):
        arena = arenas[key]
        out.write(f"    <node id={quoteattr(_xml_safe('arena:' + key))}>\n")
        kind = escape(_xml_safe("arena:" + str(arena.get("kind"))))
        out.write(f'      <data key="n_kind">{kind}</data>\n')
        if arena.get("label"):
            out.write(
                f'      <data key="n_label">{escape(_xml_safe(str(arena["label"])))}</data>\n'
            )
        out.write("    </node>\n")
    n = len(doc.get("ties", []))
    for actor in doc.get("actors", []):
        for key in actor.get("arenas") or []:
            if key not in arenas:
                continue
            source = quoteattr(_xml_safe(actor["id"]))
            target = quoteattr(_xml_safe("arena:" + key))
            out.write(f'    <edge id="e{n}" source={source} target={target}>\n')
            out.write('      <data key="e_relation">takes_part</data>\n')
            out.write("    </edge>\n")
            n += 1
    out.write("  </graph>\n</graphml>\n")
    return out.getvalue()


def network_json(doc: dict[str, Any], **meta: Any) -> dict[str, Any]:
    """Nodes, ties and measures (and the islands, communities, weaving stage, suggested ties
    and involvement) of the stored document, with `meta` (e.g. computed_at) on top."""
    keys = (
        "period",
        "min_group_size",
        "seed",
        "measures",
        "islands",
        "communities",
        "weaving",
        "suggestions",
        "arenas",
        "involvement",
        "change",
    )
    out: dict[str, Any] = dict(meta)
    out["nodes"] = list(doc.get("actors", []))
    out["ties"] = list(doc.get("ties", []))
    for key in keys:
        out[key] = doc.get(key)
    return out


# -- spreadsheets (Danish Excel: `core.exports`) ------------------------------------------------
#
# The same columns as GraphML, under Danish headers, with Danish words for sectors, kinds and
# yes/no, and decimal commas; the ids stay as they are so the two tables can be joined.


def _actor_headers() -> dict[str, str]:
    return {
        "id": _("Id"),
        "label": _("Navn"),
        "sector": _("Sektor"),
        "kind": _("Type"),
        "department": _("Forvaltning"),
        "x": "x",
        "y": "y",
        "island": _("Ø"),
        "community": _("Fællesskab"),
        "degree": _("Antal bånd"),
        "weight": _("Samlet vægt"),
        "betweenness": _("Mellemhed"),
        "constraint": _("Begrænsning"),
        "effective_size": _("Effektiv størrelse"),
        "ei": _("E-I-indeks"),
        "broker": _("Brobygger"),
        "cut_point": _("Bindeled"),
        "hub": _("Knudepunkt"),
        "arenas": _("Arenaer"),
    }


def _tie_headers() -> dict[str, str]:
    return {
        "a": _("Aktør A"),
        "b": _("Aktør B"),
        "weight": _("Vægt"),
        "kinds": _("Slags bånd"),
        "first": _("Første"),
        "last": _("Seneste"),
        "bridge": _("Bro"),
    }


def _kind_label(kind: Any) -> Any:
    labels = {
        "department": _("Afdeling"),
        "business": _("Virksomhed"),
        "association": _("Forening"),
        "citizens": _("Borgere"),
    }
    return labels.get(kind, kind)


def _sheet_cell(name: str, value: Any) -> Any:
    if value is None or isinstance(value, bool | int | float):
        return value
    if name == "sector":
        return sector_label(str(value))
    if name == "kind":
        return _kind_label(value)
    return _cell(value)


def actors_table(doc: dict[str, Any]) -> Table:
    """One row per actor: its id and every measure."""
    names = ["id", *[name for name, _kind in NODE_FIELDS]]
    headers = _actor_headers()
    return Table(
        title=_("Aktører"),
        headers=[headers[n] for n in names],
        rows=[[_sheet_cell(n, actor.get(n)) for n in names] for actor in doc.get("actors", [])],
    )


def ties_table(doc: dict[str, Any]) -> Table:
    """One row per tied pair."""
    names = ["a", "b", *[name for name, _kind in EDGE_FIELDS]]
    headers = _tie_headers()
    return Table(
        title=_("Bånd"),
        headers=[headers[n] for n in names],
        rows=[[_sheet_cell(n, tie.get(n)) for n in names] for tie in doc.get("ties", [])],
    )


def actors_csv(doc: dict[str, Any]) -> str:
    """The actors as CSV for Danish Excel (BOM, `;`, Danish headers, decimal comma)."""
    return excel_csv(actors_table(doc)).decode("utf-8")


def ties_csv(doc: dict[str, Any]) -> str:
    return excel_csv(ties_table(doc)).decode("utf-8")


def workbook(doc: dict[str, Any]) -> bytes:
    """Actors and ties as one .xlsx, a sheet each."""
    return xlsx_bytes(actors_table(doc), ties_table(doc))


def _cell(value: Any) -> Any:
    if value is None or isinstance(value, int | float) and not isinstance(value, bool):
        return value
    if isinstance(value, dict):
        return json.dumps(value, ensure_ascii=False, sort_keys=True)
    return _text(value)
