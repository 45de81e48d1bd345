"""Server-side request forgery kept out of webhooks: what a URL may be at creation, and what its
host may resolve to at delivery."""

from __future__ import annotations

import asyncio
import socket

import pytest

from app.services.webhook_targets import Rules, UnsafeTarget, check_url, resolve

STRICT = Rules()
LOCAL = Rules(allow_http=True, allow_private=True)


@pytest.mark.parametrize(
    "url",
    [
        "http://crm.example.com/hooks",  # not https
        "ftp://crm.example.com/hooks",
        "https:///hooks",
        "https://user:pass@crm.example.com/hooks",
        "https://crm.example.com/hooks#part",
        "https://localhost/hooks",
        "https://api.localhost/hooks",
        "https://127.0.0.1/hooks",
        "https://10.1.2.3/hooks",
        "https://172.16.0.1/hooks",
        "https://192.168.1.10/hooks",
        "https://169.254.169.254/latest/meta-data",  # a cloud's metadata service
        "https://100.64.0.1/hooks",  # carrier-grade NAT
        "https://0.0.0.0/hooks",
        "https://[::1]/hooks",
        "https://[fe80::1]/hooks",
        "https://[fd00::1]/hooks",
        "https://[::ffff:127.0.0.1]/hooks",
        "https://224.0.0.1/hooks",
        "https://crm.example.com:99999/hooks",
    ],
)
def test_refused_when_made(url: str) -> None:
    with pytest.raises(UnsafeTarget):
        check_url(url, STRICT)


@pytest.mark.parametrize(
    "url", ["https://crm.example.com/hooks", "https://8.8.8.8/x", "https://[2001:4860::8888]/"]
)
def test_public_https_is_accepted(url: str) -> None:
    check_url(url, STRICT)


def test_the_operator_may_allow_http_and_private_addresses() -> None:
    check_url("http://127.0.0.1:8080/hooks", LOCAL)
    with pytest.raises(UnsafeTarget):
        check_url("http://127.0.0.1:8080/hooks", Rules(allow_private=True))
    with pytest.raises(UnsafeTarget):
        check_url("http://127.0.0.1:8080/hooks", Rules(allow_http=True))


def test_a_name_is_resolved_and_checked_at_delivery() -> None:
    # This machine's own name resolves to one of its addresses: never public on a test runner.
    name = socket.gethostname()
    try:
        socket.getaddrinfo(name, 443)
    except socket.gaierror:
        pytest.skip("this machine's name does not resolve")
    with pytest.raises(UnsafeTarget, match=r"not a public address|does not resolve"):
        asyncio.run(resolve(f"https://{name}/hooks", STRICT))


def test_delivery_connects_to_the_checked_address_under_the_urls_name() -> None:
    target = asyncio.run(resolve("https://localhost:8443/hooks?x=1", LOCAL))
    assert target.url in {"https://127.0.0.1:8443/hooks?x=1", "https://[::1]:8443/hooks?x=1"}
    assert target.host == "localhost:8443"
    assert target.server_name == "localhost"
    plain = asyncio.run(resolve("http://127.0.0.1/hooks", LOCAL))
    assert (plain.url, plain.host, plain.server_name) == (
        "http://127.0.0.1/hooks",
        "127.0.0.1",
        None,
    )


def test_an_unresolvable_name_is_refused() -> None:
    with pytest.raises(UnsafeTarget, match="does not resolve"):
        asyncio.run(resolve("https://no-such-host.invalid/hooks", STRICT))
