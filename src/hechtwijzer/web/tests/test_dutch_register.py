"""The Dutch UI addresses the reader (teacher, care coordinator, administrator) as "u".

"je", "jij", "jou", "jouw", "jezelf" and "jullie" may only occur inside quoted speech: the
example sentences a teacher says to a child ('Fijn dat je er bent'). Quoted passages are
masked before the check, so those stay allowed.

Both tests read files only (the .po file and the catalog data): no database, no Django setup.
"""

import json
import re
from pathlib import Path

from hechtwijzer.catalog import get_catalog

PACKAGE = Path(__file__).resolve().parents[2]
PO_FILE = PACKAGE / "locale" / "nl" / "LC_MESSAGES" / "django.po"

INFORMAL = re.compile(r"(?<![\w-])(?:je|jij|jou|jouw|jezelf|jullie)(?![\w-])", re.IGNORECASE)

# A quoted passage. A single quote only opens at a word boundary and only closes before one,
# so apostrophes inside or before words ("baby's", "collega’s", "’s avonds", "'t") are not
# taken for quotes.
_ELISION = r"(?!(?:s|t|n|k)\b)"
QUOTED = re.compile(
    "|".join(
        (
            rf"(?<!\w)‘{_ELISION}(?=\S).*?(?<=\S)’(?!\w)",
            rf"(?<!\w)'{_ELISION}(?=\S).*?(?<=\S)'(?!\w)",
            r"“.*?”",
            r"„.*?[”“]",
            r"«.*?»",
            r'"[^"]*"',
        )
    ),
    re.DOTALL,
)
SENTENCE = re.compile(r"\S.*?(?:[.!?…](?=\s)|\n|\Z)", re.DOTALL)


def mask_quotes(text: str) -> str:
    """The text with every quoted passage blanked out, character for character, so that
    positions in the result are positions in the original."""
    return QUOTED.sub(lambda m: m.group(0)[0] + " " * (len(m.group(0)) - 2) + m.group(0)[-1], text)


def informal_sentences(text: str) -> list[str]:
    """The sentences of text that address the reader informally outside quoted speech."""
    masked = mask_quotes(text)
    return [
        " ".join(match.group(0).split())
        for match in SENTENCE.finditer(text)
        if INFORMAL.search(masked, match.start(), match.end())
    ]


def po_translations(po_text: str) -> list[tuple[int, str, str]]:
    """(line number, msgid, msgstr) for every msgstr and msgstr[n] of the file but the header;
    continuation lines are joined."""
    entries: list[tuple[int, str, str]] = []
    msgid, field, value, start = "", None, "", 0

    def close() -> None:
        if field and field.startswith("msgstr") and msgid:
            entries.append((start, msgid, value))

    for number, line in enumerate(po_text.splitlines(), start=1):
        match = re.match(r"^(msgctxt|msgid|msgid_plural|msgstr(?:\[\d+\])?) (\".*\")$", line)
        if match:
            close()
            field, value, start = match.group(1), json.loads(match.group(2)), number
            if field == "msgid":
                msgid = value
        elif line.startswith('"') and field:
            value += json.loads(line)
            if field == "msgid":
                msgid = value
        else:
            close()
            field = None
    close()
    return entries


def test_quoted_child_directed_speech_is_allowed():
    assert informal_sentences("Zeg bijvoorbeeld: ‘Fijn dat je er bent.’") == []
    assert informal_sentences("Zeg: 'Ik zie dat je boos bent', en wacht.") == []
    assert informal_sentences("Zeg: “Jij mag kiezen.” of „Wil jij helpen?”") == []
    assert informal_sentences('Zeg: "Kom je ook?"') == []
    assert informal_sentences("De baby's huilen. Dan zeg je dat.") == ["Dan zeg je dat."]
    assert informal_sentences("’s Avonds ben je moe. Zeg ‘rustig maar’.") == [
        "’s Avonds ben je moe."
    ]
    assert informal_sentences("Het ik-boodschap en de jij-boodschap.") == []
    assert informal_sentences("Vraag het aan Jullie?") == ["Vraag het aan Jullie?"]


def test_the_dutch_messages_address_the_reader_as_u():
    offending = [
        f"django.po line {line}: {msgid!r}\n    {sentence}"
        for line, msgid, msgstr in po_translations(PO_FILE.read_text(encoding="utf-8"))
        for sentence in informal_sentences(msgstr)
    ]
    assert not offending, (
        f"{len(offending)} Dutch message(s) say je/jij/jouw to the reader; use u/uw:\n"
        + "\n".join(offending)
    )


def test_the_dutch_catalog_texts_address_the_reader_as_u():
    offending = [
        f"{item.ref} {field}:\n    {sentence}"
        for item in get_catalog().all_items()
        for field, text in item.texts()
        if field.endswith(".nl") or ".nl[" in field
        for sentence in informal_sentences(text)
    ]
    assert not offending, (
        f"{len(offending)} Dutch catalog sentence(s) say je/jij/jouw to the reader; use u/uw "
        "(quote speech to a child with ‘…’):\n" + "\n".join(offending)
    )
