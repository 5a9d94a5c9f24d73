"""The checks that need Python, done in one tight loop over the records before they are staged.

Email addresses are checked by Django's validator (the one the lead form's email field uses),
phone numbers by phonenumbers, dates by the formats below. Everything else (presence, lengths,
numbers, duplicates) is checked by set-based SQL in ``staging``. Each record becomes one tuple of
``STAGED_COLUMNS``, ready for COPY.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import phonenumbers
from django.core.exceptions import ValidationError
from django.core.validators import validate_email

from leads.imports.fields import TARGETS
from leads.imports.parsing import Record

TARGET_KEYS = [t.key for t in TARGETS if t.key != "full_name"]
STAGED_COLUMNS = [
    "line", "field_count", "read_problem", "raw", *TARGET_KEYS,
    "email_key", "email_bad", "phone_e164", "phone_key", "phone_bad", "created_on", "created_bad",
]
PHONE_KEY_DIGITS = 10  # as leads.search.phone_key: the last ten digits say "same phone"
SLASH_DATE = re.compile(r"^(\d{1,2})[/-](\d{1,2})[/-](\d{2}|\d{4})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
DOTTED_DATE = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4}|\d{2})(?:[ T](\d{1,2}):(\d{2})(?::(\d{2}))?)?$")
WORDY_DATE_FORMATS = ("%d %B %Y", "%d %b %Y", "%B %d, %Y", "%b %d, %Y", "%d-%b-%Y", "%d-%b-%y", "%Y/%m/%d")


def split_full_name(value: str) -> tuple[str, str]:
    """``"Ana Maria Silva"`` → (``"Ana Maria"``, ``"Silva"``); ``"Silva, Ana"`` → (``"Ana"``, ``"Silva"``)."""
    value = " ".join(value.split())
    if "," in value:
        last, first = (part.strip() for part in value.split(",", 1))
        return first, last
    first, _, last = value.rpartition(" ")
    return (first, last) if first else (last, "")


def normalise_email(value: str) -> str | None:
    """The address in lower case, or None when it is not a valid address."""
    address = value.strip().lower()
    try:
        validate_email(address)
    except ValidationError:
        return None
    return address


def normalise_phone(value: str, region: str) -> str | None:
    """The number in E.164, or None when phonenumbers cannot read it as a possible number."""
    try:
        number = phonenumbers.parse(value, region or None)
    except phonenumbers.NumberParseException:
        return None
    if not phonenumbers.is_possible_number(number):
        return None
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def day_first(values: Iterable[str], *, region: str) -> bool:
    """Whether the column writes 03/01/2024 for the 3rd of January: a value over 12 decides, else the region."""
    for value in values:
        match = SLASH_DATE.match(value.strip())
        if match:
            first, second = int(match.group(1)), int(match.group(2))
            if first > 12 >= second:
                return True
            if second > 12 >= first:
                return False
    return region not in ("US", "CA", "PH")


def _full_year(text: str) -> int:
    year = int(text)
    return year if len(text) == 4 else 2000 + year if year < 70 else 1900 + year


def parse_date(value: str, *, day_first: bool, tz: ZoneInfo) -> datetime | None:
    """A date or date-time in one of the accepted formats, as an aware datetime; None when it is none of them.

    A date alone is midnight in the team's time zone, as is a date-time without an offset.
    """
    value = value.strip()
    parsed: datetime | date | None = None
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00")) if value[:4].isdigit() else None
    except ValueError:
        parsed = None
    if parsed is None:
        for pattern, first_is_day in ((SLASH_DATE, day_first), (DOTTED_DATE, True)):
            match = pattern.match(value)
            if match:
                a, b, year, hour, minute, second = match.groups()
                day, month = (int(a), int(b)) if first_is_day else (int(b), int(a))
                try:
                    parsed = datetime(_full_year(year), month, day, int(hour or 0), int(minute or 0), int(second or 0))
                except ValueError:
                    return None
                break
    if parsed is None:
        for fmt in WORDY_DATE_FORMATS:
            try:
                parsed = datetime.strptime(value, fmt)
                break
            except ValueError:
                continue
    if parsed is None:
        return None
    if not isinstance(parsed, datetime):
        parsed = datetime.combine(parsed, time.min)
    return parsed if parsed.tzinfo else parsed.replace(tzinfo=tz)


class RowChecker:
    """Turns records into staged tuples, given the mapping and the import's options."""

    def __init__(self, *, headers: list[str], mapping: dict[str, str], phone_region: str, time_zone: str,
                 records: list[Record]):
        self.width = len(headers)
        index = {target: headers.index(header) for header, target in mapping.items() if target}
        self.index = index
        self.phone_region = phone_region
        self.tz = ZoneInfo(time_zone)
        self._phones: dict[tuple[str, str], str | None] = {}
        self.day_first = True
        if "created_at" in index:
            column = index["created_at"]
            self.day_first = day_first(
                (r.fields[column] for r in records if r.fields and len(r.fields) == self.width), region=phone_region
            )

    def _phone(self, value: str, region: str) -> str | None:
        key = (value, region)
        if key not in self._phones:  # a switchboard number repeats down a whole file
            self._phones[key] = normalise_phone(value, region)
        return self._phones[key]

    def stage(self, records: Iterable[Record]) -> Iterator[tuple]:
        index, width = self.index, self.width
        pick = [(key, index.get(key)) for key in TARGET_KEYS]
        full_name_at = index.get("full_name")
        empty_tail = (None,) * 7
        for record in records:
            fields = record.fields
            if fields is None:
                yield (record.line, -1, record.problem, [], *([None] * len(TARGET_KEYS)), *empty_tail)
                continue
            if len(fields) != width:
                yield (record.line, len(fields), "", fields, *([None] * len(TARGET_KEYS)), *empty_tail)
                continue
            values = {key: (fields[i].strip() or None) if i is not None else None for key, i in pick}
            if full_name_at is not None and fields[full_name_at].strip():
                values["first_name"], values["last_name"] = (
                    part or None for part in split_full_name(fields[full_name_at])
                )
            email_key = email_bad = phone_e164 = phone_key = phone_bad = created_on = created_bad = None
            if values["email"]:
                email_key = normalise_email(values["email"])
                email_bad = email_key is None
            if values["phone"]:
                country = (values["country"] or "").upper()
                region = country if country in phonenumbers.SUPPORTED_REGIONS else self.phone_region
                phone_e164 = self._phone(values["phone"], region)
                phone_bad = phone_e164 is None
                phone_key = phone_e164[-PHONE_KEY_DIGITS:].lstrip("+") if phone_e164 else None
            if values["created_at"]:
                created_on = parse_date(values["created_at"], day_first=self.day_first, tz=self.tz)
                created_bad = created_on is None
            yield (record.line, width, "", fields, *values.values(),
                   email_key, email_bad, phone_e164, phone_key, phone_bad, created_on, created_bad)
