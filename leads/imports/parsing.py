"""From uploaded bytes to rows: the encoding, the delimiter, the header, then each record with its line number."""

from __future__ import annotations

import codecs
import csv
import io
from collections.abc import Iterator
from dataclasses import dataclass
from typing import NamedTuple

DELIMITERS = (",", ";", "\t", "|")
SNIFF_RECORDS = 50
DELIMITER_NAMES = {",": "comma", ";": "semicolon", "\t": "tab", "|": "pipe"}


class FileError(ValueError):
    """The file as a whole cannot be imported (it is not a CSV, or it has no header)."""


class Record(NamedTuple):  # a tuple: a file has 100,000s of them, made in a fraction of a dataclass's time
    line: int  # where the record starts in the file; the header is line 1
    fields: list[str] | None  # None: the line could not be read as CSV at all
    problem: str = ""


@dataclass
class CsvFile:
    text: str
    encoding: str
    delimiter: str
    headers: list[str]

    @property
    def delimiter_name(self) -> str:
        return DELIMITER_NAMES.get(self.delimiter, repr(self.delimiter))

    def records(self) -> Iterator[Record]:
        """The data records, after the header. Blank lines and rows of empty cells are left out."""
        return _records(self.text, self.delimiter, skip_header=True)


def decode(data: bytes) -> tuple[str, str]:
    """The text and the name of its encoding: UTF-8 (with or without BOM), UTF-16 with BOM, else Latin-1.

    Latin-1 files are read as Windows-1252 when they can be (what Excel writes on Windows: its
    curly quotes and euro sign sit where ISO-8859-1 has control characters).
    """
    if data.startswith(b"PK\x03\x04"):
        raise FileError("This is a spreadsheet workbook (.xlsx), not a CSV file: save it as “CSV UTF-8” first.")
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8):].decode("utf-8", errors="replace"), "UTF-8 with BOM"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16"), "UTF-16"
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    try:
        return data.decode("cp1252"), "Latin-1 (Windows-1252)"
    except UnicodeDecodeError:
        return data.decode("latin-1"), "Latin-1 (ISO-8859-1)"


def sniff_delimiter(text: str) -> str:
    """The delimiter that splits the first records into the same number (more than one) of fields.

    csv.Sniffer guesses from character frequencies and is easily fooled by commas inside quoted
    values or by a semicolon file with decimal commas; parsing a sample with each candidate is not.
    """
    sample = text[:64 * 1024]
    best, best_score = ",", (0.0, 0)
    for delimiter in DELIMITERS:
        counts = []
        try:
            for fields in csv.reader(io.StringIO(sample), delimiter=delimiter):
                if fields:
                    counts.append(len(fields))
                if len(counts) >= SNIFF_RECORDS:
                    break
        except csv.Error:
            continue
        if len(sample) < len(text) and 1 < len(counts) < SNIFF_RECORDS:
            counts = counts[:-1]  # the sample's end may have cut its last record short
        if not counts or counts[0] < 2:
            continue
        consistency = sum(1 for n in counts if n == counts[0]) / len(counts)
        score = (consistency, counts[0])
        if score > best_score:
            best, best_score = delimiter, score
    return best


def _records(text: str, delimiter: str, *, skip_header: bool) -> Iterator[Record]:
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    line_after_previous = 1
    header_left = skip_header
    while True:
        try:
            # one loop over the reader, left only on a record it cannot read: it goes on from the next one
            for fields in reader:
                start, line_after_previous = line_after_previous, reader.line_num + 1
                if header_left:
                    header_left = False
                    continue
                if "".join(fields).strip():  # blank lines and rows of empty cells are left out
                    yield Record(start, fields)
            return
        except csv.Error as exc:
            start, line_after_previous = line_after_previous, reader.line_num + 1
            header_left = False
            yield Record(start, None, f"cannot be read as CSV ({exc})")


def clean_headers(raw: list[str]) -> list[str]:
    """Column names as shown and mapped: trimmed, never empty, never twice the same."""
    headers: list[str] = []
    for index, raw_name in enumerate(raw, start=1):
        name = raw_name.strip() or f"Column {index}"
        candidate, n = name, 2
        while candidate in headers:
            candidate, n = f"{name} ({n})", n + 1
        headers.append(candidate)
    return headers


def read_csv(data: bytes) -> CsvFile:
    """Decode, find the delimiter and read the header of an uploaded file."""
    if not data.strip():
        raise FileError("The file is empty.")
    text, encoding = decode(data)
    if "\x00" in text[:4096]:
        raise FileError("This does not look like a CSV file (it holds binary data).")
    text = text.replace("\x00", "")  # a stray NUL further down: PostgreSQL text cannot hold one
    delimiter = sniff_delimiter(text)
    try:
        header = next(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter), [])
    except csv.Error as exc:
        raise FileError(f"The first line cannot be read as CSV ({exc}).") from exc
    if not any(h.strip() for h in header):
        raise FileError("The first line must hold the column names.")
    return CsvFile(text=text, encoding=encoding, delimiter=delimiter, headers=clean_headers(header))
