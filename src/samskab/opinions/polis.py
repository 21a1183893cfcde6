"""Pol.is import and export: a Pol.is conversation into Samskab, and ours out as Pol.is CSV.

The vote data is read and written by `samskab.analysis.polis_io` (which validates every file and
names the file and line of the first problem); this module adds what the math does not need: the
statements' texts, authors and seed flags, and the conversation's title.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from django.db import transaction
from django.utils import timezone

from samskab.analysis import opinion, polis_io
from samskab.core.exports import neutralise_cell, restore_cell
from samskab.core.models import record
from samskab.municipalities.models import Space
from samskab.opinions import services
from samskab.opinions.models import (
    Conversation,
    ConversationAnalysis,
    ModerationMode,
    ModerationState,
    Participant,
    Statement,
    Vote,
    VoteEvent,
)

BATCH = 5000
PolisFormatError = polis_io.PolisFormatError


@dataclass
class PolisTexts:
    title: str = ""
    description: str = ""
    texts: dict[str, str] = field(default_factory=dict)
    seeds: set[str] = field(default_factory=set)
    moderated: dict[str, int] = field(default_factory=dict)


def read_texts(folder: Path) -> PolisTexts:
    """Texts, seed flags and title from a Pol.is folder already validated by `read_polis`."""
    out = PolisTexts()
    comments_csv = folder / "comments.csv"
    comments_json = folder / "comments.json"
    if (folder / "votes.json").exists() and comments_json.exists():
        items = json.loads(comments_json.read_text(encoding="utf-8"))
        for item in items:
            sid = str(item.get("tid", item.get("statement_id")))
            out.texts[sid] = str(item.get("txt") or "")
            if item.get("is_seed"):
                out.seeds.add(sid)
            mod = item.get("mod", item.get("moderated", 0))
            out.moderated[sid] = int(mod) if mod in (-1, 0, 1) else 0
    elif comments_csv.exists():
        with comments_csv.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.DictReader(fh):
                sid = (row.get("comment-id") or "").strip()
                out.texts[sid] = restore_cell(row.get("comment-body") or "")
                if (row.get("is-seed") or "").strip().lower() in ("true", "t", "1"):
                    out.seeds.add(sid)
                mod = (row.get("moderated") or "0").strip()
                out.moderated[sid] = int(mod) if mod in ("-1", "0", "1") else 0
    summary = folder / "summary.csv"
    if summary.exists():
        with summary.open(newline="", encoding="utf-8-sig") as fh:
            for row in csv.reader(fh):
                if len(row) >= 2 and row[0] == "topic":
                    out.title = restore_cell(row[1].strip())
                elif len(row) >= 2 and row[0] == "conversation-description":
                    out.description = restore_cell(row[1].strip())
    conversation_json = folder / "conversation.json"
    if conversation_json.exists() and not out.title:
        try:
            meta = json.loads(conversation_json.read_text(encoding="utf-8"))
        except ValueError:
            meta = {}
        if isinstance(meta, dict):
            out.title = str(meta.get("topic") or "").strip()
            out.description = str(meta.get("description") or "").strip()
    return out


def import_polis(
    path: str | Path,
    *,
    space: Space,
    actor: Any = None,
    challenge: Any = None,
    title: str | None = None,
    progress: Callable[[int, int], None] | None = None,
) -> Conversation:
    """Import a Pol.is conversation into `space`, all or nothing.

    Raises `PolisFormatError` (file and line) on bad input before anything is written.
    """
    folder = Path(path)
    inp = polis_io.read_polis(folder)
    meta = read_texts(folder)
    municipality_id = space.municipality_id
    if challenge is not None and challenge.space_id != space.pk:
        raise services.ServiceError("the challenge is not in that space")
    now = timezone.now()
    total = len(inp.values)
    with transaction.atomic():
        conversation = Conversation.objects.create(
            municipality_id=municipality_id,
            space=space,
            challenge=challenge,
            title=(title or meta.title or folder.name)[:200],
            question=meta.description[:2000],
            moderation_mode=ModerationMode.PRE,
            participants_can_add=True,
            created_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        ConversationAnalysis.objects.create(
            municipality_id=municipality_id, conversation=conversation, dirty=True, version=1
        )
        statements = Statement.objects.bulk_create(
            [
                Statement(
                    municipality_id=municipality_id,
                    conversation=conversation,
                    text=meta.texts.get(sid) or f"Pol.is {sid}",
                    is_seed=sid in meta.seeds,
                    is_meta=bool(inp.is_meta[j]),
                    moderation=(
                        ModerationState.OUT
                        if inp.mod_out[j] and not inp.is_meta[j]
                        else meta.moderated.get(sid, ModerationState.IN)
                    ),
                    external_id=sid[:40],
                )
                for j, sid in enumerate(inp.statement_ids)
            ],
            batch_size=BATCH,
        )
        participants = Participant.objects.bulk_create(
            [
                Participant(
                    municipality_id=municipality_id,
                    conversation=conversation,
                    external_id=pid[:40],
                )
                for pid in inp.participant_ids
            ],
            batch_size=BATCH,
        )
        s_pk = [s.pk for s in statements]
        p_pk = [p.pk for p in participants]
        for start in range(0, total, BATCH):
            stop = min(start + BATCH, total)
            chunk = range(start, stop)
            rows, cols, vals = inp.rows, inp.cols, inp.values
            # The current vote and its event history start out identical on import.
            model: type[Vote] | type[VoteEvent]
            for model in (Vote, VoteEvent):
                model.objects.bulk_create(
                    [
                        model(
                            municipality_id=municipality_id,
                            conversation=conversation,
                            statement_id=s_pk[cols[k]],
                            participant_id=p_pk[rows[k]],
                            value=int(vals[k]),
                            created_at=now,
                        )
                        for k in chunk
                    ]
                )
            if progress is not None:
                progress(stop, total)
        record(
            municipality_id,
            actor,
            "conversation.imported",
            conversation,
            source=folder.name,
            statements=len(s_pk),
            participants=len(p_pk),
            votes=total,
        )
    return conversation


def _unique_external(ids: list[str], external: list[str]) -> list[str]:
    """External ids when every row has one and they are unique; else our own ids."""
    if all(external) and len(set(external)) == len(external):
        return external
    return ids


def export_polis(conversation: Conversation, folder: str | Path) -> opinion.OpinionInput:
    """Write votes.csv, comments.csv and participants-votes.csv (Pol.is's CSV export)."""
    inp = services.build_input(conversation)
    statements = {
        str(pk): (text, author_id, external)
        for pk, text, author_id, external in Statement.objects.filter(
            conversation=conversation
        ).values_list("pk", "text", "author_id", "external_id")
    }
    participants = {
        str(pk): (person_id, external)
        for pk, person_id, external in Participant.objects.filter(
            conversation=conversation
        ).values_list("pk", "person_id", "external_id")
    }
    sids = _unique_external(list(inp.statement_ids), [statements[s][2] for s in inp.statement_ids])
    pids = _unique_external(
        list(inp.participant_ids), [participants[p][1] for p in inp.participant_ids]
    )
    person_to_pid = {
        participants[p][0]: pids[i]
        for i, p in enumerate(inp.participant_ids)
        if participants[p][0] is not None
    }
    stamps = {
        (str(p), str(s)): t.timestamp() * 1000
        for p, s, t in Vote.objects.filter(conversation=conversation).values_list(
            "participant_id", "statement_id", "created_at"
        )
    }
    timestamps = [
        stamps.get((inp.participant_ids[r], inp.statement_ids[c]), 0.0)
        for r, c in zip(inp.rows, inp.cols, strict=True)
    ]
    renamed = opinion.OpinionInput(
        participant_ids=tuple(pids),
        statement_ids=tuple(sids),
        rows=inp.rows,
        cols=inp.cols,
        values=inp.values,
        mod_out=inp.mod_out,
        is_meta=inp.is_meta,
        roles={pids[i]: inp.roles[p] for i, p in enumerate(inp.participant_ids) if p in inp.roles},
    )
    result = opinion.analyze(renamed) if len(renamed.values) else None
    # Staff open these files in a spreadsheet too: a statement that starts like a formula is
    # written as text (and read back unchanged by import_polis).
    texts = {sids[j]: neutralise_cell(statements[s][0]) for j, s in enumerate(inp.statement_ids)}
    authors = {
        sids[j]: person_to_pid[statements[s][1]]
        for j, s in enumerate(inp.statement_ids)
        if statements[s][1] in person_to_pid
    }
    polis_io.write_polis_csv(
        renamed, folder, result=result, texts=texts, authors=authors, timestamps=timestamps
    )
    out = Path(folder)
    with (out / "summary.csv").open("w", newline="", encoding="utf-8") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(["topic", neutralise_cell(conversation.title)])
        writer.writerow(["voters", len({r for r in inp.rows.tolist()})])
        writer.writerow(["comments", len(sids)])
        writer.writerow(["conversation-description", neutralise_cell(conversation.question)])
    return renamed
