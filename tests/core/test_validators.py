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


# Ways a person (or a copy-paste from another system) writes the same CPR number. Each was
# stored before the check normalised separators, invisible characters and digits.
CPR_VARIANTS = [
    "010190\u20131234",  # en dash
    "010190\u20141234",  # em dash
    "010190\u22121234",  # minus sign
    "010190\u20111234",  # non-breaking hyphen
    "01.01.90-1234",
    "01.01.90.1234",
    "01-01-90-1234",
    "010190/1234",
    "010190_1234",
    "01 01 90 1234",
    "01 01 90 12 34",
    "01.01.90 - 12 34",
    "010190 - 1234",
    "010190\n1234",
    "010190\u00a01234",  # non-breaking space
    "010190\u20091234",  # thin space
    "010190\u202f1234",  # narrow non-breaking space
    "0101\u200b90\u200b1234",  # zero-width space
    "0\u200d1\u200c0190-1234",  # zero-width joiner / non-joiner
    "010190\u00ad1234",  # soft hyphen
    "0101\u206090-1234",  # word joiner
    "\ufeff0101\ufeff901234",  # byte order mark
    "\u200e010190\u200f-1234",  # bidi marks
    "0101\u202a90\u202c1234",  # bidi embedding
    "\uff10\uff11\uff10\uff11\uff19\uff10\uff0d\uff11\uff12\uff13\uff14",  # fullwidth
    "\u0660\u0661\u0660\u0661\u0669\u0660-\u0661\u0662\u0663\u0664",  # Arabic-Indic
    "0 1 0 1 9 0 1 2 3 4",
    "Tlf. 12345678, CPR 010190\u20131234",
    "Tlf. 12345678 010190-1234",
]


@pytest.mark.parametrize("text", CPR_VARIANTS)
def test_cpr_number_written_any_way_is_refused(text):
    assert contains_cpr(text), repr(text)
    with pytest.raises(ValidationError, match="CPR-nummer"):
        validate_no_cpr(f"Borgeren har {text} som nummer")


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


# Ordinary Danish text full of numbers must still be accepted: refusing it would be a new bug.
ORDINARY_TEXTS = [
    "Ring på +45 12 34 56 78",
    "Ring på +45 31 12 90 12",
    "Tlf. 31 12 90 12 eller 20 11 88 44",
    "Tlf. 31 12 90 12 / 20 11 88 44",
    "Tlf. 31129012 / 20118844",
    "Mødet er 12.03.2024",
    "Mødet er 01.02.2024 10.30",
    "Mødet er 01.02.2024 kl. 10.30-12.00",
    "kl. 08.15-09.10 12.00",
    "Fra 2024-03-12 til 2024-04-30",
    "2024-03-12 10:30",
    "2024-03-12T10:30:00",
    "Periode 01.01.1990-31.12.1999",
    "Budgettet er 1.234.567 kr",
    "Budget 2.010.190.123 kr",
    "kr. 10.000-20.000",
    "1.500.000-2.000.000 kr.",
    "ISBN 978-87-02-12345-6",
    "EAN 5790000000000",
    "Version 1.2.3 udkom 3.4.2025",
    "Postnr. 2100 København Ø, tlf. 33 66 33 66",
    "Vi var 12 borgere, 34 medarbejdere og 56 gæster",
    "12/03 kl. 9",
    "Kapitel 10.2.3",
    "Reg.nr. 1234 kontonr. 0012345678",
]


@pytest.mark.parametrize("text", ORDINARY_TEXTS)
def test_ordinary_text_with_numbers_is_accepted(text):
    assert not contains_cpr(text), repr(text)
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
