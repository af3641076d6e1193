from __future__ import annotations

import pytest

from pipeline.nlp.language import is_english


@pytest.mark.parametrize(
    "text",
    [
        "Con esta ofrenda esperamos que todos aquellos que visiten la Casa Blanca en los próximos días",
        "Nous, chefs d’État et de gouvernement, réaffirmons notre engagement pour la paix.",
        "Wir werden die Zusammenarbeit mit unseren Partnern in der Region weiter stärken.",
    ],
)
def test_other_languages_are_not_english(text: str) -> None:
    assert not is_english(text)


@pytest.mark.parametrize(
    "text",
    [
        "The President met the Prime Minister of Spain in Madrid today.",
        "President Biden will host the Dia de los Muertos celebration at the White House.",
        "Joe Biden",
        "",
    ],
)
def test_english_and_too_short_to_tell_are_english(text: str) -> None:
    assert is_english(text)


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("The United States and Japan will expand their cooperation on security.", "en"),
        ("Les États-Unis et le Japon renforceront leur coopération dans la région.", "fr"),
        (
            "Die Vereinigten Staaten und Japan werden ihre Zusammenarbeit in der Region ausbauen.",
            "de",
        ),
        (
            "Estados Unidos y Japón ampliarán su cooperación en materia de seguridad en la región.",
            "es",
        ),
        ("Yes.", "en"),
    ],
)
def test_a_documents_language_is_told_by_its_function_words(text, code) -> None:
    from pipeline.nlp.language import language_of

    assert language_of(text) == code
