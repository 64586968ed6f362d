"""Running a Hub client against the stand-in, online and allowed loopback only.

``client_env`` is the environment a new interpreter needs (``HF_ENDPOINT`` at the stand-in, the
offline switches CI sets removed, Xet off, a fresh ``HF_HOME``); ``run_client`` runs a script there
behind a guard that refuses name lookups and connections to anything but loopback (``datasets``
would otherwise ask for ``datasets-server.<endpoint host>``); ``loopback_only`` puts the same
guard on this process for one test.
"""

from __future__ import annotations

import os
import subprocess
from pathlib import Path
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from hub_standin import HubStandIn

LOOPBACK_ONLY = """
import ipaddress as _ip, socket as _socket
_getaddrinfo, _connect = _socket.getaddrinfo, _socket.socket.connect
def _loopback(host):
    name = host.decode() if isinstance(host, bytes) else str(host)
    try:
        return _ip.ip_address(name.split("%")[0]).is_loopback
    except ValueError:
        return name == "localhost"
def _getaddrinfo_guard(host, *args, **kwargs):
    if host is not None and not _loopback(host):
        raise OSError(f"this test allows loopback traffic only, not {host!r}")
    return _getaddrinfo(host, *args, **kwargs)
def _connect_guard(self, address):
    if isinstance(address, tuple) and not _loopback(address[0]):
        raise OSError(f"this test allows loopback traffic only, not {address!r}")
    return _connect(self, address)
_socket.getaddrinfo, _socket.socket.connect = _getaddrinfo_guard, _connect_guard
"""


def loopback_only(monkeypatch: Any) -> None:
    """In this process (for a test's duration): name lookups and connections to anything but loopback fail."""
    import socket

    namespace: dict[str, Any] = {}
    exec(LOOPBACK_ONLY.replace("_socket.getaddrinfo, _socket.socket.connect = _getaddrinfo_guard, _connect_guard", ""), namespace)
    monkeypatch.setattr(socket, "getaddrinfo", namespace["_getaddrinfo_guard"])
    monkeypatch.setattr(socket.socket, "connect", namespace["_connect_guard"])


def point_this_process_at(hub: HubStandIn, monkeypatch: Any, token: str) -> None:
    """For one test: this process's Hub client talks to the stand-in (regular + LFS uploads, no Xet),
    online, with ``token``, and to nothing but loopback."""
    from huggingface_hub import constants

    loopback_only(monkeypatch)
    monkeypatch.setattr(constants, "ENDPOINT", hub.endpoint)
    monkeypatch.setattr(constants, "HUGGINGFACE_CO_URL_TEMPLATE", hub.endpoint + "/{repo_id}/resolve/{revision}/{filename}")
    monkeypatch.setattr(constants, "HF_HUB_OFFLINE", False)
    monkeypatch.setattr(constants, "HF_HUB_DISABLE_XET", True)  # the stand-in speaks regular + LFS, not Xet
    monkeypatch.setenv("HF_TOKEN", token)


def client_env(hub: HubStandIn, home: Path, token: str | None) -> dict[str, str]:
    """The environment a client process needs to talk to the stand-in, online, and only to it."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("HF_", "HUGGINGFACE"))}
    env.update(HF_ENDPOINT=hub.endpoint, HF_HOME=str(home), HF_HUB_DISABLE_XET="1", HF_HUB_DISABLE_TELEMETRY="1",
               HF_HUB_DISABLE_PROGRESS_BARS="1", HF_DATASETS_CACHE=str(home / "datasets"))
    if token is not None:
        env["HF_TOKEN"] = token
    return env


def run_client(python: str | Path, script: str, env: dict[str, str], cwd: Path) -> subprocess.CompletedProcess[str]:
    """Run ``script`` in a new interpreter that may only open loopback connections."""
    return subprocess.run([str(python), "-c", LOOPBACK_ONLY + script], capture_output=True, text=True, env=env, cwd=cwd,
                          timeout=300, check=False)
