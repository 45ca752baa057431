"""Every user-facing string is translated into Italian, Spanish, French and German (issue 18).

The committed catalogues must hold every message the code and templates ask for (a
string added without running `makemessages` fails here), each translated, none fuzzy,
with exactly the placeholders of the English, and compile with `msgfmt --check`.
"""

import re
import shutil
import subprocess
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

LOCALE_DIR = Path(settings.BASE_DIR) / "locale"
LANGUAGES = [code for code, _name in settings.LANGUAGES if code != "en"]
# %(name)s, %s, %d … (python-format) and {name} (brace-format), as gettext sees them.
PYTHON_FORMAT = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[sdifrxXeEgGc%]")
BRACE_FORMAT = re.compile(r"\{\w*\}")


def catalogue(code: str) -> polib.POFile:
    return polib.pofile(str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po"))


def placeholders(text: str, entry: polib.POEntry) -> list[str]:
    found = []
    if "python-format" in entry.flags:
        found += [p for p in PYTHON_FORMAT.findall(text) if p != "%%"]
    if "python-brace-format" in entry.flags:
        found += BRACE_FORMAT.findall(text)
    return sorted(found)


def translations(entry: polib.POEntry) -> list[str]:
    if entry.msgid_plural:
        return [entry.msgstr_plural[index] for index in sorted(entry.msgstr_plural)]
    return [entry.msgstr]


def test_the_site_offers_the_five_languages():
    assert [code for code, _name in settings.LANGUAGES] == ["en", "it", "es", "fr", "de"]


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_message_is_translated_and_none_is_fuzzy(code):
    po = catalogue(code)

    untranslated = [entry.msgid for entry in po.untranslated_entries()]
    fuzzy = [entry.msgid for entry in po.fuzzy_entries() if entry.msgid]

    assert untranslated == []
    assert fuzzy == []
    assert po.metadata["Language"] == code


@pytest.mark.parametrize("code", LANGUAGES)
def test_every_plural_has_the_forms_its_language_needs(code):
    po = catalogue(code)
    forms = int(re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"]).group(1))

    short = [e.msgid for e in po if e.msgid_plural and len(e.msgstr_plural) < forms]

    assert short == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_a_translation_keeps_the_placeholders_of_the_english(code):
    broken = []
    for entry in catalogue(code).translated_entries():
        wanted = placeholders(entry.msgid, entry)
        wanted_plural = placeholders(entry.msgid_plural or entry.msgid, entry)
        for index, text in enumerate(translations(entry)):
            got = placeholders(text, entry)
            # A singular form may drop the count ("Un fichier") but never invent one.
            allowed = {tuple(wanted), tuple(wanted_plural)}
            if entry.msgid_plural:
                if not set(got) <= set(wanted_plural):
                    broken.append((entry.msgid, index, text))
            elif tuple(got) not in allowed:
                broken.append((entry.msgid, index, text))

    assert broken == []


@pytest.mark.parametrize("code", LANGUAGES)
def test_the_catalogue_compiles_with_msgfmt_check(code, tmp_path):
    msgfmt = shutil.which("msgfmt")
    assert msgfmt, "msgfmt (Debian's gettext) is installed by `make install`"

    result = subprocess.run(  # noqa: S603 (a fixed program on a committed file)
        [
            msgfmt,
            "--check",
            "-o",
            str(tmp_path / "django.mo"),
            str(LOCALE_DIR / code / "LC_MESSAGES" / "django.po"),
        ],
        capture_output=True,
        text=True,
        check=False,
    )

    assert result.returncode == 0, result.stderr


def test_the_catalogues_hold_every_message_of_the_code_and_templates(tmp_path, monkeypatch):
    """Extract the messages afresh (as `make messages` would) and compare with what is committed.

    `makemessages` writes beside any `locale/` directory it walks past, so it runs on a
    copy of the sources without one, into a temporary catalogue.
    """
    sources = tmp_path / "src"
    shutil.copytree(
        settings.BASE_DIR,
        sources,
        ignore=shutil.ignore_patterns(
            ".venv", ".git", "locale", "media", "staticfiles", "test-artifacts", "__pycache__"
        ),
    )
    monkeypatch.chdir(sources)
    with override_settings(LOCALE_PATHS=[str(tmp_path / "out")]):
        call_command(
            "makemessages",
            locale=["it"],
            ignore_patterns=["tests/*", "benchmarks/*"],
            verbosity=0,
        )
    fresh = {
        (e.msgctxt, e.msgid) for e in polib.pofile(str(tmp_path / "out/it/LC_MESSAGES/django.po"))
    }
    committed = {(e.msgctxt, e.msgid) for e in catalogue("it") if not e.obsolete}

    missing = sorted(msgid for _ctx, msgid in fresh - committed)
    assert missing == [], "run `make messages` and translate the new strings"
    stale = sorted(msgid for _ctx, msgid in committed - fresh)
    assert stale == [], "run `make messages`: these are no longer used"
