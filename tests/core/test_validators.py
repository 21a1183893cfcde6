import pytest
from django.core.exceptions import ValidationError

from samskab.core.validators import contains_cpr, validate_no_cpr


@pytest.mark.parametrize(
    "text",
    ["010190-1234", "Mit nummer er 0101901234.", "cpr 311299 1234", "290200-4321"],
)
def test_cpr_numbers_are_found(text):
    assert contains_cpr(text)
    with pytest.raises(ValidationError, match="CPR-nummer"):
        validate_no_cpr(text)


@pytest.mark.parametrize(
    "text",
    [
        "Ring på 12345678",  # a phone number
        "Budget: 1.250.000 kr.",
        "Vi mødes 01-01-2027",
        "Sagsnummer 320190-12345",  # glued to another digit
        "451290-1234",  # day 45: not a date
        "",
    ],
)
def test_other_numbers_pass(text):
    assert not contains_cpr(text)
    validate_no_cpr(text)
