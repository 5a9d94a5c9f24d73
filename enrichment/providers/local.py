"""Offline sources that always run: email syntax, free-mail and disposable domains, phone to E.164,
registrable domain. No network: tldextract uses the suffix list bundled with the package."""

from __future__ import annotations

import phonenumbers
import tldextract
from disposable_email_domains import blocklist as DISPOSABLE
from email_validator import EmailNotValidError, validate_email

from enrichment.providers.base import Observed

FREE_MAIL = frozenset({
    "gmail.com", "googlemail.com", "yahoo.com", "yahoo.co.uk", "hotmail.com", "outlook.com", "live.com", "msn.com",
    "icloud.com", "me.com", "aol.com", "proton.me", "protonmail.com", "gmx.com", "gmx.de", "gmx.net", "web.de",
    "mail.com", "yandex.com", "yandex.ru", "zoho.com", "fastmail.com", "hey.com", "qq.com", "163.com",
})
_extract = tldextract.TLDExtract(suffix_list_urls=(), cache_dir=None)  # the bundled snapshot: never downloads
PHONE_TYPES = {
    phonenumbers.PhoneNumberType.MOBILE: "mobile",
    phonenumbers.PhoneNumberType.FIXED_LINE: "landline",
    phonenumbers.PhoneNumberType.FIXED_LINE_OR_MOBILE: "landline_or_mobile",
    phonenumbers.PhoneNumberType.VOIP: "voip",
    phonenumbers.PhoneNumberType.TOLL_FREE: "toll_free",
}


def registrable_domain(host: str) -> str:
    host = host.strip().lower().rstrip(".")
    parts = _extract(host)
    if parts.domain and parts.suffix:
        return f"{parts.domain}.{parts.suffix}"
    # a suffix the bundled list does not know (reserved .example / .test, a newer gTLD): its last two labels
    labels = [label for label in host.split(".") if label]
    return ".".join(labels[-2:]) if len(labels) >= 2 and not labels[-1].isdigit() else ""


def email_facts(email: str) -> list[Observed]:
    if not email:
        return []
    try:
        valid = validate_email(email, check_deliverability=False)
    except EmailNotValidError as exc:
        return [Observed("lead", "email_syntax", f"invalid: {exc}", 1.0)]
    domain = valid.domain.lower()
    seen = [
        Observed("lead", "email_syntax", "valid", 1.0),
        Observed("lead", "email_free", domain in FREE_MAIL, 1.0),
        Observed("lead", "email_disposable", domain in DISPOSABLE, 1.0),
    ]
    company_domain = registrable_domain(domain)
    if company_domain and domain not in FREE_MAIL and domain not in DISPOSABLE:
        seen.append(Observed("company", "domain", company_domain, 0.95))
    return seen


def phone_facts(phone: str, country: str = "") -> list[Observed]:
    if not phone:
        return []
    try:
        number = phonenumbers.parse(phone, (country or "US").upper())
    except phonenumbers.NumberParseException:
        return [Observed("lead", "phone_valid", False, 1.0)]
    if not phonenumbers.is_valid_number(number):
        return [Observed("lead", "phone_valid", False, 1.0)]
    return [
        Observed("lead", "phone_valid", True, 1.0),
        Observed("lead", "phone_e164", phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164), 1.0),
        Observed("lead", "phone_type", PHONE_TYPES.get(phonenumbers.number_type(number), "unknown"), 0.6),
    ]
