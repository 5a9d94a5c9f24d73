"""Normalised keys that bring possible duplicate leads together, as SQL expressions.

One definition serves both uses: the stored generated columns of ``leads_lead`` (``key_email``,
``key_phone``...; indexed with the team), and the values typed into a form (the same expression
applied to literals, evaluated by the database). So a key never means one thing in the table and
another in Python.

Why stored columns and not expression indexes: under row-level security, PostgreSQL evaluates the
team policy before any condition whose functions are not "leakproof" (``lower``, ``regexp_replace``
and friends are not), so ``lower(email) = $1`` can never be an index condition and the planner
reads the whole team. ``key_email = $1`` compares a plain column with a leakproof ``=``: an index
lookup.

Everything here is an immutable PostgreSQL function (``lower``, ``regexp_replace``, ``translate``,
``split_part``, ``left``, ``right``, ``btrim``): no contrib extension is needed, which matters
because the embedded server has none (see docs/architecture.md, "Duplicates").
"""

from __future__ import annotations

from django.db import models
from django.db.models import CharField, Func, Value
from django.db.models.functions import Lower

KEY_FIELDS = ("key_email", "key_phone", "key_domain", "key_company", "key_name")

# Legal forms and filler words a company name is written with or without ("Acme, Inc." = "ACME").
COMPANY_NOISE_WORDS = (
    "inc", "incorporated", "llc", "llp", "lp", "ltd", "limited", "corp", "corporation", "co", "company", "plc",
    "gmbh", "ag", "kg", "sa", "sas", "sarl", "srl", "spa", "bv", "nv", "pty", "oy", "ab", "as", "kk", "the",
)
# Letters a name is most often misspelt by (vowels and near-silent letters, with accented forms).
NAME_SOFT_LETTERS = "aeiouyhwáàâäãåéèêëíìîïóòôöõøúùûüýÿæœ"


class _Text(Func):
    output_field = CharField()


class RegexpReplace(_Text):
    function = "regexp_replace"

    def __init__(self, expression, pattern: str, replacement: str):
        super().__init__(expression, Value(pattern), Value(replacement), Value("g"))


class Translate(_Text):
    function = "translate"

    def __init__(self, expression, source: str, target: str = ""):
        super().__init__(expression, Value(source), Value(target))


class SplitPart(_Text):
    function = "split_part"

    def __init__(self, expression, delimiter: str, index: int):
        super().__init__(expression, Value(delimiter), Value(index))


class Left(_Text):
    function = "left"

    def __init__(self, expression, length: int):
        super().__init__(expression, Value(length))


class Right(_Text):
    function = "right"

    def __init__(self, expression, length: int):
        super().__init__(expression, Value(length))


class Substring(_Text):
    function = "substr"

    def __init__(self, expression, start: int):
        super().__init__(expression, Value(start))


class Trim(_Text):
    function = "btrim"


class Join(_Text):
    """``a || b || ...`` (``concat()`` is not immutable, so it cannot be indexed)."""

    template = "(%(expressions)s)"
    arg_joiner = " || "


def email_key(email) -> Func:
    """``Ana@Acme.com`` → ``ana@acme.com``."""
    return Lower(email)


def phone_key(phone) -> Func:
    """The last ten digits: ``+1 (415) 555-0100`` and ``415.555.0100`` → ``4155550100``.

    Blocking only; a pair is confirmed in E.164 (see leads.duplicates), so two numbers that end
    alike under different country codes are not taken for one.
    """
    return Right(RegexpReplace(phone, "[^0-9]", ""), 10)


def email_domain_key(email) -> Func:
    """The host of an email: ``ana@mail.acme.com`` → ``mail.acme.com``."""
    return SplitPart(Lower(email), "@", 2)


def company_key(company_name) -> Func:
    """``The ACME Co., Inc.`` → ``acme``: lower case, punctuation and legal forms gone, single spaces."""
    words = RegexpReplace(Lower(company_name), "[^[:alnum:]]+", " ")
    without_noise = RegexpReplace(words, rf"\m({'|'.join(COMPANY_NOISE_WORDS)})\M", " ")
    return Trim(RegexpReplace(without_noise, r"\s+", " "))


def _letters(text) -> Func:
    return RegexpReplace(Lower(text), "[^[:alpha:]]", "")


def name_key(first_name, last_name) -> Func:
    """First initial, then the last name's skeleton: ``Jon Smyth`` and ``John Smith`` → ``j:smt``.

    The skeleton keeps the last name's first letter, drops vowels and near-silent letters after
    it and collapses doubled letters (``Johnson``/``Jonson`` → ``jnsn``, ``Müller``/``Mueller`` →
    ``mlr``): a cheap phonetic key, since fuzzystrmatch's metaphone is a contrib extension.
    """
    last = _letters(last_name)
    skeleton = RegexpReplace(Translate(Substring(last, 2), NAME_SOFT_LETTERS), r"(.)\1+", r"\1")
    return Join(Left(_letters(first_name), 1), Value(":"), Left(last, 1), skeleton)


def stored(expression) -> models.GeneratedField:
    """A key as a column the database computes on every write (bulk SQL and imports included)."""
    return models.GeneratedField(expression=expression, output_field=models.TextField(), db_persist=True)
