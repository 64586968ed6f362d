"""Which IP addresses the fetcher may connect to, and name resolution that checks them.

A release's URLs are untrusted: one could point at ``169.254.169.254`` (a cloud's metadata
service) or at a host whose DNS answer is ``10.0.0.5``. So the fetcher resolves the name
itself, refuses the request if *any* address is not public (unless ``allow_private``), and
connects to the address it checked (the transport pins it), so a second DNS answer cannot
swap in another one (DNS rebinding). A literal IP in the URL is checked without any lookup.
"""

from __future__ import annotations

import ipaddress
import socket
from collections.abc import Callable, Sequence

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
IPNetwork = ipaddress.IPv4Network | ipaddress.IPv6Network
_BROADCAST = ipaddress.IPv4Address("255.255.255.255")

#: Resolves ``(host, port)`` to the IP addresses (as strings) a connection could use.
Resolver = Callable[[str, int], Sequence[str]]


def system_resolver(host: str, port: int) -> list[str]:
    """The system's answer (``getaddrinfo``), addresses in its order, without repeats."""
    infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    seen: list[str] = []
    for _family, _type, _proto, _canon, sockaddr in infos:
        address = str(sockaddr[0]).split("%", 1)[0]  # drop an IPv6 zone id
        if address not in seen:
            seen.append(address)
    return seen


def _embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    if isinstance(address, ipaddress.IPv6Address):
        if address.sixtofour is not None:
            return address.sixtofour
        if address.teredo is not None:
            return address.teredo[1]
    return None


def refusal(address: IPAddress, allow_private: bool, allow_networks: Sequence[IPNetwork] = ()) -> str | None:
    """Why a connection to ``address`` is refused, or ``None`` if it is allowed.

    Multicast, broadcast and unspecified addresses (``0.0.0.0`` reaches the local host on
    Linux) are always refused; private, loopback, link-local, shared, reserved and other non-global
    addresses are refused unless ``allow_private``, or unless they lie in one of
    ``allow_networks`` (a narrower opening: "my mirror on 10.1.2.0/24", "this loopback
    server"). IPv4 addresses carried inside IPv6 ones (``::ffff:10.0.0.1``, 6to4, Teredo)
    are judged as the IPv4 address.
    """
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        return refusal(address.ipv4_mapped, allow_private, allow_networks)  # the socket reaches the IPv4 address
    inner = _embedded_ipv4(address)
    if inner is not None:
        verdict = refusal(inner, allow_private, allow_networks)
        if verdict is not None:
            return verdict
    if address.is_multicast:
        return f"{address} is a multicast address"
    if address.is_unspecified:
        return f"{address} is the unspecified address"
    if address == _BROADCAST:
        return f"{address} is the broadcast address"
    if allow_private or any(address in network for network in allow_networks if network.version == address.version):
        return None
    for kind in ("loopback", "private", "link_local", "reserved", "site_local"):
        if getattr(address, f"is_{kind}", False):
            return f"{address} is a {kind.replace('_', '-')} address"
    if not address.is_global:
        return f"{address} is not a public address"
    return None


def checked_addresses(host: str, port: int, allow_private: bool, resolver: Resolver,
                      allow_networks: Sequence[IPNetwork] = ()) -> tuple[list[IPAddress], str | None]:
    """Resolve ``host`` and judge every address: ``(addresses, None)`` or ``([], why refused)``.

    Raises ``OSError`` when the name does not resolve.
    """
    try:
        literal: IPAddress | None = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None:
        addresses = [literal]
    else:
        answers = list(resolver(host, port))
        if not answers:
            raise OSError(f"{host} resolves to no address")
        addresses = [ipaddress.ip_address(a) for a in answers]
    for address in addresses:
        why = refusal(address, allow_private, allow_networks)
        if why is not None:
            return [], f"{host} → {why}" if literal is None else why
    return addresses, None
