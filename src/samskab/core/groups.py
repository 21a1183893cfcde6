"""One minimum group size for every figure shown per role, department or other group.

A group smaller than `SAMSKAB_MIN_GROUP_SIZE` (default 5, never below 2) is never shown on its
own: its members' answers could be read off it (a role one person holds is that person). Every
page, export and API that shows figures per group asks here.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from typing import TypeVar

from django.conf import settings

K = TypeVar("K")
V = TypeVar("V")


def min_group_size() -> int:
    return max(2, int(settings.SAMSKAB_MIN_GROUP_SIZE))


def large_enough(size: int) -> bool:
    """True when a group of `size` may be shown on its own."""
    return size >= min_group_size()


def split_small(groups: Mapping[K, V], size: Callable[[V], int]) -> tuple[dict[K, V], list[K]]:
    """The groups that may be shown, and the keys of those too small to show (to merge into
    "andre" or leave out, saying so)."""
    shown: dict[K, V] = {}
    hidden: list[K] = []
    for key, value in groups.items():
        if large_enough(size(value)):
            shown[key] = value
        else:
            hidden.append(key)
    return shown, hidden


def hidden_note(hidden: Iterable[object]) -> str:
    """The sentence a page shows under per-group figures when some groups were left out."""
    from django.utils.translation import gettext as _

    if not list(hidden):
        return ""
    return _(
        "Grupper med færre end %(n)s deltagere vises ikke for sig, så ingen enkeltpersons svar "
        "kan aflæses."
    ) % {"n": min_group_size()}
