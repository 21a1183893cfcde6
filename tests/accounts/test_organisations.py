"""The municipality's own hierarchy: forvaltning → afdeling → team."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError

from samskab.accounts.models import DepartmentLevel, Organisation, OrganisationKind
from samskab.municipalities.models import Municipality

pytestmark = pytest.mark.django_db


def unit(municipality, name, level, parent=None):
    org = Organisation(
        municipality=municipality,
        name=name,
        kind=OrganisationKind.DEPARTMENT,
        level=level,
        parent=parent,
    )
    org.full_clean()
    org.save()
    return org


def test_hierarchy_is_top_to_bottom(kommuner):
    m = Municipality.objects.get(code="0101")
    top = unit(m, "Sundhed og Omsorg", DepartmentLevel.ADMINISTRATION)
    mid = unit(m, "Ældrepleje", DepartmentLevel.UNIT, top)
    unit(m, "Team Vest", DepartmentLevel.TEAM, mid)
    with pytest.raises(ValidationError, match="team under en afdeling"):
        unit(m, "Forkert team", DepartmentLevel.TEAM, top)
    with pytest.raises(ValidationError, match="hører ikke under"):
        unit(m, "Forkert forvaltning", DepartmentLevel.ADMINISTRATION, top)


def test_a_unit_cannot_hang_under_another_municipalitys_department(kommuner):
    a = Municipality.objects.get(code="0101")
    b = Municipality.objects.get(code="0751")
    top = unit(a, "Kultur", DepartmentLevel.ADMINISTRATION)
    with pytest.raises(ValidationError):
        unit(b, "Biblioteker", DepartmentLevel.UNIT, top)


def test_businesses_have_no_level_and_an_eight_digit_cvr(kommuner):
    m = Municipality.objects.get(code="0101")
    business = Organisation(municipality=m, name="Cykler ApS", kind=OrganisationKind.BUSINESS)
    business.cvr = "1234"
    with pytest.raises(ValidationError, match="8 cifre"):
        business.full_clean()
    business.cvr = "12345678"
    business.full_clean()
    business.level = DepartmentLevel.TEAM
    with pytest.raises(ValidationError, match="Kun kommunale enheder"):
        business.full_clean()
