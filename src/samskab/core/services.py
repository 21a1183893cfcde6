"""Steps that several apps' services share, so each is written (and checked) once."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from django.db import models, transaction
from django.utils import timezone

from samskab.core.errors import ServiceError
from samskab.core.models import record

M = TypeVar("M", bound=models.Model)


def set_open(
    obj: M,
    actor: Any,
    *,
    is_open: bool,
    perm: str,
    action_prefix: str,
    refusal: str,
    before_save: Callable[[M], None] | None = None,
    also_saves: tuple[str, ...] = (),
) -> M:
    """Open or close something people answer in (a conversation, a round …).

    Refuses with `refusal` (a translated message) unless `actor` holds `perm` on `obj`, before
    anything is written. The row is locked while it changes, so a close and a reopen at the same
    moment end in one state with one audit event each, `<action_prefix>.opened` or `.closed`.
    `closed_at`, where the model has it, says when it was last closed. `before_save` runs in the
    same transaction, with the row locked (e.g. to close the other rounds of a challenge);
    the fields it changes on the row are named in `also_saves`.
    """
    if actor is None or not actor.has_perm(perm, obj):
        raise ServiceError(refusal)
    model = type(obj)
    with transaction.atomic():
        locked = model._base_manager.select_for_update().get(pk=obj.pk)
        if before_save is not None:
            before_save(locked)
        fields = ["is_open", *also_saves]
        locked.is_open = is_open
        if hasattr(locked, "closed_at"):
            locked.closed_at = None if is_open else timezone.now()
            fields.append("closed_at")
        locked.save(update_fields=fields)
        record(
            locked.municipality_id,
            actor,
            f"{action_prefix}.opened" if is_open else f"{action_prefix}.closed",
            locked,
        )
    for name in fields:
        setattr(obj, name, getattr(locked, name))
    return obj
