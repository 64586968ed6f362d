"""No code path reaches the network during a build: sockets and name lookups raise."""

from __future__ import annotations

import socket
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from conftest import CASES


def test_a_full_build_never_touches_the_network(
    make_project: Callable[..., Path], run_cli: Callable[..., Any], monkeypatch: pytest.MonkeyPatch
) -> None:
    attempts: list[str] = []

    def refuse(what: str) -> Callable[..., Any]:
        def call(*args: Any, **kwargs: Any) -> Any:
            attempts.append(f"{what}{args[1:] if what == 'connect' else args}")
            raise OSError(f"network access during a build: {what}")
        return call

    monkeypatch.setattr(socket.socket, "connect", refuse("connect"))
    monkeypatch.setattr(socket.socket, "connect_ex", refuse("connect"))
    monkeypatch.setattr(socket, "getaddrinfo", refuse("getaddrinfo"))
    monkeypatch.setattr(socket, "create_connection", refuse("create_connection"))
    html = (CASES / "hostile" / "raw" / "html-remote-resources.html").read_text(encoding="utf-8")
    project = make_project({"remote.html": html, "a.jsonl": '{"id": "a", "url": "https://example.org/a", "text": "Text."}\n'},
                           seeds=True)
    result = run_cli("build", "--workers", "1", cwd=project)
    assert result.exit_code == 0, result.output
    assert attempts == []
