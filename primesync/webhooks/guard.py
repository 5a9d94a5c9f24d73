"""Which URLs a delivery may be sent to: http(s) only, and outside DEBUG never a private address.

A webhook URL is typed by a customer and called by our servers, so without this check it would be
a way to reach our own network (SSRF): the metadata service, Redis, PostgreSQL, admin ports.
The host is resolved at every attempt (DNS answers change); ``WEBHOOK_ALLOW_LOOPBACK`` lets tests
and local development call a receiver on 127.0.0.1.

Known gap: requests resolves the name again when it connects, so a DNS server that answers
differently within that window could still steer one request; redirects are not followed at all.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings

SCHEMES = ("http", "https")


class UrlRefused(Exception):
    """This URL may not be called (the reason is shown in the delivery log and the form)."""


def check_form(url: str) -> None:
    """What can be told without DNS: scheme, host, and a literal address that is private."""
    parts = urlsplit(url)
    if parts.scheme not in SCHEMES:
        raise UrlRefused("Only http:// and https:// URLs can receive webhooks.")
    if not parts.hostname:
        raise UrlRefused("The URL has no host.")
    try:
        address = ipaddress.ip_address(parts.hostname)
    except ValueError:
        return
    _check_address(address)


def check_delivery(url: str) -> None:
    """Everything, with DNS: every address the host resolves to must be allowed."""
    check_form(url)
    if not settings.WEBHOOK_BLOCK_PRIVATE:
        return
    parts = urlsplit(url)
    try:
        infos = socket.getaddrinfo(parts.hostname, parts.port or (443 if parts.scheme == "https" else 80),
                                   proto=socket.IPPROTO_TCP)
    except socket.gaierror as exc:
        raise UrlRefused(f"The host {parts.hostname} does not resolve ({exc.strerror}).") from exc
    for info in infos:
        _check_address(ipaddress.ip_address(info[4][0]))


def _check_address(address: ipaddress.IPv4Address | ipaddress.IPv6Address) -> None:
    if not settings.WEBHOOK_BLOCK_PRIVATE:
        return
    address = getattr(address, "ipv4_mapped", None) or address  # ::ffff:10.0.0.1 is 10.0.0.1
    if address.is_loopback and settings.WEBHOOK_ALLOW_LOOPBACK:
        return
    if not address.is_global:
        raise UrlRefused(f"{address} is a private, loopback or reserved address: webhooks go to the public internet.")
