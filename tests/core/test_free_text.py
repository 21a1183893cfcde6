"""Over-long free text: the message names the text and writes the numbers the Danish way."""

from __future__ import annotations

from django import forms
from django.utils import translation

from samskab.core.fields import free_text


class _Form(forms.Form):
    body = free_text("Beskrivelse", 5000, lines=3)
    why = free_text("Hvorfor skal en moderator se på det?", 500)


def test_too_long_says_what_with_thousands_separators():
    form = _Form({"body": "x" * 10259, "why": "ok"})
    assert not form.is_valid()
    assert form.errors["body"] == ["Beskrivelsen må højst være 5.000 tegn – du har skrevet 10.259."]
    assert form.data["body"] == "x" * 10259  # the text is kept


def test_a_question_label_is_called_the_text():
    form = _Form({"body": "ok", "why": "x" * 501})
    assert form.errors["why"] == ["Teksten må højst være 500 tegn – du har skrevet 501."]


def test_english_reader_gets_english_numbers():
    with translation.override("en"):
        form = _Form({"body": "x" * 10259, "why": "ok"})
        message = form.errors["body"][0]
    assert "5,000" in message and "10,259" in message
