"""leads.imports.fields: the mapping guessed from headers, and what a valid mapping is."""

import pytest

from leads.imports.fields import MappingError, guess_mapping, headers_signature, validate_mapping


def test_it_guesses_from_header_names_whatever_their_case_and_spacing():
    headers = ["E-mail", "Email Address", "Mobile", "Company Name", "Job Title", " first NAME ", "Surname",
               "Website", "# Employees", "Date Added", "Notes"]
    assert guess_mapping(headers) == {
        "E-mail": "email", "Email Address": "", "Mobile": "phone", "Company Name": "company_name",
        "Job Title": "title", " first NAME ": "first_name", "Surname": "last_name", "Website": "company_domain",
        "# Employees": "employees", "Date Added": "created_at", "Notes": "",
    }


def test_a_full_name_column_gives_way_to_first_and_last_name_columns():
    assert guess_mapping(["Name", "Email"]) == {"Name": "full_name", "Email": "email"}
    assert guess_mapping(["Name", "First name", "Last name"]) == {
        "Name": "", "First name": "first_name", "Last name": "last_name",
    }


def test_the_signature_ignores_case_and_punctuation_but_not_order():
    assert headers_signature(["E-mail", "Name"]) == headers_signature(["email", " NAME "])
    assert headers_signature(["E-mail", "Name"]) != headers_signature(["Name", "E-mail"])


def test_a_valid_mapping_lists_every_header():
    assert validate_mapping({"Email": "email"}, ["Email", "Notes"], may_set_owner=False) == {
        "Email": "email", "Notes": "",
    }


@pytest.mark.parametrize(("mapping", "message"), [
    (["email"], "must be an object"),
    ({"Nope": "email"}, "No column named 'Nope'"),
    ({"Email": "favourite_colour"}, "unknown field"),
    ({"Email": "email", "Other": "email"}, "Email is mapped from two columns"),
    ({"Notes": "title"}, "at least a name, an email or a phone"),
    ({"Email": "email", "Other": "full_name", "Notes": "first_name"}, "either a full name column"),
    ({"Email": "email", "Owner": "owner"}, "Only managers"),
])
def test_it_refuses_mappings_that_cannot_work(mapping, message):
    with pytest.raises(MappingError, match=message):
        validate_mapping(mapping, ["Email", "Other", "Notes", "Owner"], may_set_owner=False)
