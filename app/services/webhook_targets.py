"""Where a webhook may be sent: server-side request forgery kept out.

A subscription's URL is checked when it is made (the scheme, and the address when the host is
one) and again at every delivery, when the host is resolved: every address it resolves to must be
public, and the delivery connects to the address that was checked (the Host header and TLS name
stay the URL's), so a name that changes its answer between the check and the connection (DNS
rebinding) cannot reach inside. Redirects are never followed (app/worker/delivery.py).

The operator may allow plain http and non-public addresses (settings `webhook_allow_http`,
`webhook_allow_private_networks`), as the tests do for their receiver on loopback.
"""

from __future__ import annotations

import asyncio
import ipaddress
import socket
from dataclasses import dataclass
from urllib.parse import urlsplit

from app.settings import Settings

IpAddress = ipaddress.IPv4Address | ipaddress.IPv6Address


class UnsafeTarget(Exception):
    """A webhook URL the service will not send to; the message says why."""


@dataclass(frozen=True)
class Rules:
    allow_http: bool = False
    allow_private: bool = False


def rules_of(settings: Settings) -> Rules:
    return Rules(
        allow_http=settings.webhook_allow_http,
        allow_private=settings.webhook_allow_private_networks,
    )


@dataclass(frozen=True)
class Target:
    """Where to connect for one delivery: the checked address, and the name the URL gave."""

    url: str  # the URL with the checked address in place of the host name
    host: str  # the Host header: the URL's host (and port, if it named one)
    server_name: str | None  # the TLS name to ask for and verify (https only)


def _public(address: IpAddress) -> bool:
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_global and not address.is_multicast


def _literal(host: str) -> IpAddress | None:
    try:
        return ipaddress.ip_address(host)
    except ValueError:
        return None


def check_url(url: str, rules: Rules) -> None:
    """Refuse a URL that can never be a safe target; the host's name is resolved at delivery."""
    parts = urlsplit(url)
    schemes = {"https", "http"} if rules.allow_http else {"https"}
    if parts.scheme not in schemes:
        raise UnsafeTarget(f"the URL must start with {' or '.join(sorted(schemes))}://")
    if not parts.hostname:
        raise UnsafeTarget("the URL names no host")
    if parts.username is not None or parts.password is not None:
        raise UnsafeTarget("the URL must not carry a user name or password: sign, not log in")
    if parts.fragment:
        raise UnsafeTarget("the URL must not have a #fragment")
    try:
        parts.port  # noqa: B018 - raises on a port out of range
    except ValueError as error:
        raise UnsafeTarget("the URL's port is not a number from 1 to 65535") from error
    if rules.allow_private:
        return
    host = parts.hostname.rstrip(".").lower()
    if host == "localhost" or host.endswith(".localhost"):
        raise UnsafeTarget("the URL points at this machine (localhost)")
    address = _literal(host)
    if address is not None and not _public(address):
        raise UnsafeTarget(f"{address} is not a public address")


async def resolve(url: str, rules: Rules) -> Target:
    """The address to deliver `url` to, checked; raises UnsafeTarget."""
    check_url(url, rules)
    parts = urlsplit(url)
    host = parts.hostname or ""
    port = parts.port or (443 if parts.scheme == "https" else 80)
    address = _literal(host)
    if address is None:
        try:
            found = await asyncio.get_running_loop().getaddrinfo(
                host, port, type=socket.SOCK_STREAM
            )
        except socket.gaierror as error:
            raise UnsafeTarget(f"{host} does not resolve") from error
        addresses = [ipaddress.ip_address(info[4][0]) for info in found]
        if not addresses:
            raise UnsafeTarget(f"{host} does not resolve")
        if not rules.allow_private:
            refused = [a for a in addresses if not _public(a)]
            if refused:
                raise UnsafeTarget(f"{host} resolves to {refused[0]}, not a public address")
        address = addresses[0]
    literal = f"[{address}]" if address.version == 6 else str(address)
    netloc = literal if parts.port is None else f"{literal}:{parts.port}"
    host_header = parts.netloc.rsplit("@", 1)[-1]
    return Target(
        url=parts._replace(netloc=netloc).geturl(),
        host=host_header,
        server_name=host if parts.scheme == "https" else None,
    )
