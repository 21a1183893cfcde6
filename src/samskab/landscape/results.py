"""The stored landscape document (`LandscapeRun.data`): what the task writes, and pages,
exports and the API read. JSON only (strings, numbers, booleans, null, lists, objects).

```
{
  "version": 1,
  "period": {"start": "2026-01-01", "end": "2026-12-31"},
  "min_group_size": 5,
  "seed": 0,
  "actors": [                       # sorted by id; organisations and citizen groups only
    {"id": "org:12", "label": "Kultur og Fritid", "sector": "kommune",
     "kind": "department" | "business" | "association" | "citizens",
     "department": "org:3" | null,   # the forvaltning a municipal unit belongs to
     "x": 0.0..1.0, "y": 0.0..1.0,    # layout, stable between runs (seeded)
     "island": 0, "community": 2,     # indices into "islands" / "communities"
     "degree": 5, "weight": 7.0,      # tied actors, summed tie weight
     "betweenness": 0.12, "constraint": 0.31 | null, "effective_size": 2.4 | null,
     "ei": 0.5 | null, "broker": true, "cut_point": true, "hub": false,
     "arenas": ["challenge:4", "initiative:2"]}
  ],
  "ties": [                         # one per tied pair, a < b
    {"a": "org:12", "b": "org:15", "weight": 3.0, "kinds": {"comment": 2, "partner": 1},
     "first": "2026-02-03", "last": "2026-05-01", "bridge": true}
  ],
  "arenas": {"challenge:4": {"label": "…", "kind": "challenge", "public": true, "url": "/…"}},
  "islands": [{"name": "Kultur og Fritid", "members": ["org:12", …]}],   # largest first
  "communities": [{"name": "Kultur og Fritid", "members": [...]}],
  "measures": {"actors": 40, "ties": 77, "density": 0.1, "coherence": 0.6, "modularity": 0.4,
               "ei": {"whole": 0.2, "external": 50, "internal": 27,
                      "per_sector": {"kommune": 0.1, "borger": null, …}},
               "betweenness": {"exact": true, "sources": 40, "seed": 0,
                               "max_standard_error": 0.0, "mean_standard_error": 0.0}},
  "weaving": {"stage": "scattered_clusters", "reason": "<key>", "facts": {…}, "hubs": [...]},
  "suggestions": [{"island_a": 0, "island_b": 1, "actor_a": "org:12", "actor_b": "org:30",
                   "score": 2.5, "shared_context": ["challenge:4"], "sectors": ["kommune",
                   "forening"], "complementary_sectors": true}],
  "involvement": [                  # departments (forvaltninger) and their units, top down
    {"department": "org:3", "label": "Kultur og Fritid", "level": 1, "parent": null,
     "levels": [{"staff_level": 1, "people": 6,
                 "took_part": 4 | null,        # null: the group is below min_group_size
                 "share": 0.67 | null,
                 "by_kind": {"idea": 2, "comment": 3} | null}]}
  ],
  "change": null | {"previous": {"start": …, "end": …}, "actors_added": [...], …}
}
```
A person is never named: citizens appear only as "citizens" actors, a group of at least
`min_group_size` citizens that took part in one arena; a count of people below the minimum
group size is stored as null, never as a number.
"""

from __future__ import annotations
