"""The login backends, reading the logged-in person the way every request needs it.

Every request with a session reads its person (`get_user`). Built by the ORM that read cost a
vote more Python than the database spent on it (bench/bench_votes.py), so it is written out
(samskab.core.rows); logging in itself is Django's and allauth's, unchanged.
"""

from __future__ import annotations

from functools import cache
from typing import Any

from allauth.account.auth_backends import AuthenticationBackend as AllauthBackend
from django.contrib.auth.backends import ModelBackend as DjangoModelBackend

from samskab.accounts.models import User
from samskab.core import rows


@cache
def _person_sql() -> str:
    return f"SELECT {rows.columns(User, 'u')} FROM {User._meta.db_table} u WHERE u.id = %s"  # noqa: S608


def _person(backend: DjangoModelBackend, user_id: Any) -> User | None:
    try:
        pk = User._meta.pk.to_python(user_id)  # type: ignore[union-attr]
    except Exception:  # noqa: BLE001 - a session with a broken id is no login
        return None
    if not rows.is_id(pk):
        return None
    with rows.cursor() as cursor:
        cursor.execute(_person_sql(), [pk])
        row = cursor.fetchone()
    user = None if row is None else rows.instance(User, row)
    return user if user is not None and backend.user_can_authenticate(user) else None


class ModelBackend(DjangoModelBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        return _person(self, user_id)


class AuthenticationBackend(AllauthBackend):
    def get_user(self, user_id: Any) -> User | None:  # type: ignore[override]
        return _person(self, user_id)
