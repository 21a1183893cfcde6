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


def test_client_ip_trusts_forwarded_for_only_behind_configured_proxies(rf, settings):
    from samskab.core.ratelimit import client_ip

    request = rf.get("/", REMOTE_ADDR="10.0.0.2", HTTP_X_FORWARDED_FOR="6.6.6.6, 203.0.113.9")
    settings.TRUSTED_PROXIES = 0
    assert client_ip(request) == "10.0.0.2"  # a client can send any header
    settings.TRUSTED_PROXIES = 1
    assert client_ip(request) == "203.0.113.9"  # what our proxy saw, not what the client wrote
    settings.TRUSTED_PROXIES = 2
    assert client_ip(request) == "6.6.6.6"
    settings.TRUSTED_PROXIES = 3
    assert client_ip(request) == "10.0.0.2"  # fewer entries than proxies: not from them
