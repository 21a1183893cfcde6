"""One minimum group size for every figure shown per role, department or other group.

A group smaller than `SAMSKAB_MIN_GROUP_SIZE` (default 5, never below 2) is never shown on its
own: its members' answers could be read off it (a role one person holds is that person). Every
page, export and API that shows figures per group asks here.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping

from django.conf import settings
from django.utils.translation import gettext as _

# The key under which the groups too small to show on their own are shown together ("Andre").
OTHER_GROUP = "andre"


def min_group_size() -> int:
    return max(2, int(settings.SAMSKAB_MIN_GROUP_SIZE))


def large_enough(size: int) -> bool:
    """True when a group of `size` may be shown on its own."""
    return size >= min_group_size()


def hidden_note(hidden: Iterable[object]) -> str:
    """The sentence a page shows under per-group figures when some groups were left out."""
    if not list(hidden):
        return ""
    return _(
        "Grupper med færre end %(n)s deltagere vises ikke for sig, så ingen enkeltpersons svar "
        "kan aflæses."
    ) % {"n": min_group_size()}


def merge_small(sizes: Mapping[str, int]) -> tuple[dict[str, str], int]:
    """Which group each role (or other named group) is shown in, and how many are not shown on
    their own.

    `sizes`: members per group, "" for those without one. A group large enough is shown as
    itself; the smaller ones and those without a group are shown together as `OTHER_GROUP`, or
    left out (absent from the answer: counted in the total only) when even together they are too
    few. Absent keys must not be shown on their own anywhere.
    """
    named = {key: n for key, n in sizes.items() if key and n}
    shown = {key: n for key, n in named.items() if large_enough(n)}
    small = [key for key in named if key not in shown]
    rest = sizes.get("", 0) + sum(named[key] for key in small)
    # The total minus the groups shown gives the rest, so the rest must be large enough to show
    # as well (or empty): a left-out mayor is otherwise the total minus the others.
    while shown and 0 < rest < min_group_size():
        smallest = min(shown, key=lambda key: (shown[key], key))
        rest += shown.pop(smallest)
        small.append(smallest)
    groups = {key: key for key in shown}
    if shown and rest:
        groups.update({key: OTHER_GROUP for key in [*small, ""]})
    return groups, len(small)
