"""leads.imports.checks: the checks done in Python (names, emails, phones, dates) before rows are staged."""

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest

from leads.imports.checks import (
    STAGED_COLUMNS,
    RowChecker,
    day_first,
    normalise_email,
    normalise_phone,
    parse_date,
    split_full_name,
)
from leads.imports.parsing import read_csv

BERLIN = ZoneInfo("Europe/Berlin")


@pytest.mark.parametrize(("name", "parts"), [
    ("Ana Silva", ("Ana", "Silva")),
    ("  Ana   Maria  Silva ", ("Ana Maria", "Silva")),
    ("Silva, Ana", ("Ana", "Silva")),
    ("Cher", ("Cher", "")),
])
def test_it_splits_a_full_name(name, parts):
    assert split_full_name(name) == parts


def test_emails_are_checked_like_the_lead_form_does_and_lowercased():
    assert normalise_email(" Ana.Silva@Example.COM ") == "ana.silva@example.com"
    for bad in ["ana", "ana@", "ana@example", "ana silva@example.com", "ana@@example.com"]:
        assert normalise_email(bad) is None, bad


def test_phones_become_e164_with_the_region_for_local_numbers():
    assert normalise_phone("+1 (415) 555-0100", "DE") == "+14155550100"
    assert normalise_phone("(415) 555-0100", "US") == "+14155550100"
    assert normalise_phone("030 1234567", "DE") == "+49301234567"
    for bad in ["call me", "12", "+999 123", ""]:
        assert normalise_phone(bad, "US") is None, bad


@pytest.mark.parametrize(("text", "expected"), [
    ("2024-03-01", datetime(2024, 3, 1, tzinfo=BERLIN)),
    ("2024-03-01T09:30:00Z", datetime(2024, 3, 1, 9, 30, tzinfo=UTC)),
    ("01.03.2024", datetime(2024, 3, 1, tzinfo=BERLIN)),
    ("01/03/2024", datetime(2024, 3, 1, tzinfo=BERLIN)),  # this column is day first
    ("1 March 2024", datetime(2024, 3, 1, tzinfo=BERLIN)),
    ("Mar 1, 2024", datetime(2024, 3, 1, tzinfo=BERLIN)),
    ("2024/03/01", datetime(2024, 3, 1, tzinfo=BERLIN)),
])
def test_dates_are_read_in_the_usual_formats(text, expected):
    assert parse_date(text, day_first=True, tz=BERLIN) == expected


@pytest.mark.parametrize("text", ["31/31/2024", "2024-02-30", "yesterday", "12", "03/2024"])
def test_a_date_that_does_not_parse_is_none(text):
    assert parse_date(text, day_first=True, tz=BERLIN) is None


def test_a_column_of_slashed_dates_says_which_comes_first():
    assert day_first(["03/04/2024", "25/04/2024"], region="US") is True
    assert day_first(["03/04/2024", "04/25/2024"], region="DE") is False
    assert day_first(["03/04/2024"], region="US") is False  # undecided: the region's habit
    assert day_first(["03/04/2024"], region="FR") is True


def test_each_record_becomes_one_staged_tuple():
    csv_file = read_csv(b"Name,E-mail,Mobile,Country\nAna Silva,ANA@x.example,030 1234567,de\nshort\n")
    records = list(csv_file.records())
    checker = RowChecker(headers=csv_file.headers, mapping={"Name": "full_name", "E-mail": "email",
                                                            "Mobile": "phone", "Country": "country"},
                         phone_region="US", time_zone="UTC", records=records)
    good, short = (dict(zip(STAGED_COLUMNS, row, strict=True)) for row in checker.stage(records))
    assert (good["first_name"], good["last_name"], good["email_key"]) == ("Ana", "Silva", "ana@x.example")
    assert (good["phone_e164"], good["phone_key"]) == ("+49301234567", "49301234567"[-10:])  # the row's country
    assert good["raw"] == ["Ana Silva", "ANA@x.example", "030 1234567", "de"]
    assert (short["line"], short["field_count"], short["email"]) == (3, 1, None)
