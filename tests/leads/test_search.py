"""leads.search: what a rep types becomes a safe prefix tsquery."""

from leads.search import phone_key, tsquery_for


def test_it_turns_words_into_prefix_terms():
    assert tsquery_for("Ana  Sil") == "'ana':* & 'sil':*"


def test_it_keeps_emails_and_phone_groups_whole():
    assert tsquery_for("jane.doe@acme") == "'jane.doe@acme':*"
    assert tsquery_for("+1 (415) 555") == "'415':* & '555':*"


def test_it_cannot_be_turned_into_tsquery_syntax():
    assert tsquery_for("a' | !b & (c") == "'a':* & 'b':* & 'c':*"
    assert tsquery_for("x:*") == "'x':*"


def test_it_drops_one_letter_words_unless_they_are_all_there_is():
    assert tsquery_for("j smith") == "'smith':*"
    assert tsquery_for("j") == "'j':*"


def test_it_returns_none_for_nothing_searchable():
    assert tsquery_for("   ") is None
    assert tsquery_for("''!!") is None


def test_phone_key_is_the_last_ten_digits():
    assert phone_key("+1 (415) 555-0100") == "4155550100"
