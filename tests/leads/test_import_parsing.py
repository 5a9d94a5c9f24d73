"""leads.imports.parsing: encodings, the delimiter, the header, line numbers."""

import codecs

import pytest

from leads.imports.parsing import FileError, clean_headers, decode, read_csv, sniff_delimiter


def test_it_reads_utf8_with_and_without_bom():
    plain = "Name,Email\nJosé Müller,jose@example.com\n".encode()
    assert decode(plain) == ("Name,Email\nJosé Müller,jose@example.com\n", "UTF-8")
    text, encoding = decode(codecs.BOM_UTF8 + plain)
    assert encoding == "UTF-8 with BOM" and text.startswith("Name,")  # the BOM is not part of the first header
    assert read_csv(codecs.BOM_UTF8 + plain).headers == ["Name", "Email"]


def test_it_reads_latin1_and_windows_1252():
    assert decode("Name\nJosé Müller\n".encode("latin-1")) == ("Name\nJosé Müller\n", "Latin-1 (Windows-1252)")
    # what Excel writes on Windows: curly quotes and the euro sign sit where ISO-8859-1 has control codes
    assert decode("Note\n“10 €”\n".encode("cp1252"))[0] == "Note\n“10 €”\n"
    assert decode(b"Name\n\x81\xe9\n") == ("Name\n\x81é\n", "Latin-1 (ISO-8859-1)")  # not cp1252 either


def test_it_reads_utf16_with_bom():
    assert decode("Name,Email\nAna,a@b.example\n".encode("utf-16")) == ("Name,Email\nAna,a@b.example\n", "UTF-16")


@pytest.mark.parametrize(("text", "delimiter"), [
    ("name,email,phone\nAna,a@x.example,1\nBen,b@x.example,2\n", ","),
    ("name;email;revenue\nAna;a@x.example;1,5\nBen;b@x.example;2,5\n", ";"),  # decimal commas
    ("name\temail\nAna\ta@x.example\n", "\t"),
    ("name|email\nAna|a@x.example\n", "|"),
    ('name,company,email\n"Silva, Ana","Acme; Inc",a@x.example\n', ","),  # quoted delimiters
    ("email\na@x.example\n", ","),  # one column: nothing to split
])
def test_it_sniffs_the_delimiter(text, delimiter):
    assert sniff_delimiter(text) == delimiter


def test_lines_count_from_the_header_and_skip_blank_rows():
    data = b'name,note\nAna,one\n\nBen,"two\nlines"\n,\nCara,three\n'
    records = list(read_csv(data).records())
    assert [(r.line, r.fields) for r in records] == [
        (2, ["Ana", "one"]), (4, ["Ben", "two\nlines"]), (7, ["Cara", "three"]),
    ]


def test_headers_are_never_empty_or_twice_the_same():
    assert clean_headers([" Email ", "", "Email", "Email"]) == ["Email", "Column 2", "Email (2)", "Email (3)"]


@pytest.mark.parametrize(("data", "message"), [
    (b"", "empty"),
    (b"PK\x03\x04rest-of-a-zip", "xlsx"),
    (b"\x00\x01\x02binary", "binary"),
    (b",,,\nAna,a,b,c\n", "first line must hold the column names"),
])
def test_it_refuses_what_is_not_a_csv_with_a_header(data, message):
    with pytest.raises(FileError, match=message):
        read_csv(data)
