"""Which URLs a delivery may be sent to: http(s) only, and outside DEBUG never a private address.

A webhook URL is typed by a customer and called by our servers, so without this check it would be
a way to reach our own network (SSRF): the metadata service, Redis, PostgreSQL, admin ports.
Three checks: the form refuses a literal private address; each attempt resolves the host and
refuses it if any address is private; and ``GuardedAdapter`` checks the address the socket actually
connected to before a byte is sent, so a DNS answer that changes between the two (DNS rebinding)
gets nowhere either. Redirects are not followed. ``WEBHOOK_ALLOW_LOOPBACK`` lets tests and local
development call a receiver on 127.0.0.1.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from django.conf import settings
from requests.adapters import HTTPAdapter
from urllib3.connection import HTTPConnection, HTTPSConnection
from urllib3.connectionpool import HTTPConnectionPool, HTTPSConnectionPool

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


# --- the connection-time check ------------------------------------------------------------------


class _PeerChecked:
    """A urllib3 connection that refuses to use a socket connected to a private address."""

    def _new_conn(self):
        sock = super()._new_conn()
        try:
            _check_address(ipaddress.ip_address(sock.getpeername()[0]))
        except UrlRefused:
            sock.close()
            raise
        return sock


class _CheckedHTTPConnection(_PeerChecked, HTTPConnection):
    pass


class _CheckedHTTPSConnection(_PeerChecked, HTTPSConnection):
    pass


class _CheckedHTTPPool(HTTPConnectionPool):
    ConnectionCls = _CheckedHTTPConnection


class _CheckedHTTPSPool(HTTPSConnectionPool):
    ConnectionCls = _CheckedHTTPSConnection


class GuardedAdapter(HTTPAdapter):
    """requests' adapter whose connections pass ``_check_address`` on the address they reached."""

    def init_poolmanager(self, *args, **kwargs):
        super().init_poolmanager(*args, **kwargs)
        self.poolmanager.pool_classes_by_scheme = {"http": _CheckedHTTPPool, "https": _CheckedHTTPSPool}
