"""The shell commands shown in the tutorial and how-to guides run, offline, as shown.

Convention (docs/index.md says it for writers too): a ```console block is a terminal session.
A line starting with ``$ `` is a command (a line ending in ``\\`` continues it, so do lines
starting with the ``> `` prompt; a here-document runs to its end marker); the lines after it, up
to the next command, are what it printed. Each shown output line must appear in what the
command printed (whitespace collapsed; ``...`` stands for any text), in the order shown.
Commands run in order, page by page, each page in a fresh temporary folder, with ``masthead``
and ``python`` the package under test. A block that needs the network, a cluster or credentials
is preceded by ``<!-- offline: no -->`` and is skipped; a block whose commands are meant to fail
says so with ``<!-- exit: N -->``. Other fences (``bash``, ``toml``, ``python``) are for
reading, not run.
"""

from __future__ import annotations

import os
import re
import shlex
import subprocess
import sys
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import REPO

DOCS = REPO / "docs"
PAGES = sorted([*(DOCS / "tutorial").glob("*.md"), *(DOCS / "how-to").glob("*.md")])
MIN_COMMANDS = 70  # so that a change of convention cannot leave the test running nothing
COMMAND_TIMEOUT = 120

_FENCE = re.compile(r"^(\s*)```(\S*)\s*$")
_MARK = re.compile(r"^<!--\s*(offline|exit):\s*(\S+?)\s*(?:\(.*\))?\s*-->$")
_HEREDOC = re.compile(r"<<-?\s*(['\"]?)(\w+)\1")


@dataclass
class Command:
    text: str
    output: list[str] = field(default_factory=list)
    exit_code: int = 0


@dataclass
class Block:
    line: int
    commands: list[Command]
    offline: bool = True


def console_blocks(page: Path) -> list[Block]:
    """Every ```console block of the page with its commands and shown output."""
    lines = page.read_text(encoding="utf-8").splitlines()
    blocks: list[Block] = []
    marks: dict[str, str] = {}
    i = 0
    while i < len(lines):
        mark = _MARK.match(lines[i].strip())
        if mark:
            marks[mark.group(1)] = mark.group(2)
        fence = _FENCE.match(lines[i])
        if fence is None:
            if lines[i].strip() and not mark:
                marks = {}
            i += 1
            continue
        indent, lang = fence.groups()
        start, i = i, i + 1
        body: list[str] = []
        while i < len(lines) and not re.match(rf"^{indent}```\s*$", lines[i]):
            body.append(lines[i][len(indent):])
            i += 1
        i += 1
        if lang == "console":
            exit_code = int(marks.get("exit", "0"))
            commands = _commands(body, exit_code)
            blocks.append(Block(start + 1, commands, offline=marks.get("offline", "yes") != "no"))
        marks = {}
    return blocks


def _commands(body: list[str], exit_code: int) -> list[Command]:
    commands: list[Command] = []
    i = 0
    while i < len(body):
        line = body[i]
        if not line.startswith("$ "):
            if commands and line.strip():
                commands[-1].output.append(line)
            i += 1
            continue
        text = [line[2:]]
        while i + 1 < len(body) and (text[-1].endswith("\\") or body[i + 1] == ">" or body[i + 1].startswith("> ")):
            i += 1
            text.append(body[i][2:] if body[i].startswith(">") else body[i])
        heredoc = _HEREDOC.search("\n".join(text))
        if heredoc:
            end = heredoc.group(2)
            while i + 1 < len(body):
                i += 1
                text.append(body[i])
                if body[i].strip() == end:
                    break
        commands.append(Command("\n".join(text), exit_code=exit_code))
        i += 1
    return commands


def _pattern(shown: str) -> re.Pattern[str]:
    parts = [re.escape(p) for p in re.split(r"\.\.\.|…", " ".join(shown.split()))]
    return re.compile(".*".join(parts))


def missing_output(shown: list[str], printed: str) -> list[str]:
    """The shown lines not found, in order, among the printed lines."""
    actual = [" ".join(line.split()) for line in printed.splitlines()]
    wanted = [s for s in shown if s.strip() not in ("...", "…")]
    missing, at = [], 0
    for line in wanted:
        pattern = _pattern(line)
        found = next((k for k in range(at, len(actual)) if pattern.fullmatch(actual[k])), None)
        if found is None:
            missing.append(line)
        else:
            at = found + 1
    return missing


def _shims(folder: Path) -> Path:
    """``masthead`` and ``python`` on PATH: this interpreter and the package under test."""
    bin_dir = folder / "bin"
    bin_dir.mkdir()
    for name, target in (("masthead", f"{shlex.quote(sys.executable)} -m masthead"), ("python", shlex.quote(sys.executable))):
        shim = bin_dir / name
        shim.write_text(f'#!/bin/sh\nexec {target} "$@"\n', encoding="utf-8")
        shim.chmod(0o755)
    return bin_dir


def run_page(page: Path, tmp_path: Path) -> int:
    """Run the page's offline commands in order in a fresh folder; return how many ran."""
    work = tmp_path / "work"
    work.mkdir()
    state = tmp_path / "state.sh"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("AWS_", "HF_TOKEN", "LC_ALL"))}
    env.update({
        "PATH": f"{_shims(tmp_path)}{os.pathsep}{env.get('PATH', '')}",
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO / "builder"), env.get("PYTHONPATH")])),
        "HF_HOME": str(tmp_path / "hf-home"),
        "HF_HUB_OFFLINE": "1",
        "HF_DATASETS_OFFLINE": "1",
        "COLUMNS": "100",
        "LC_COLLATE": "C",  # `ls` lists in the order the pages show, whatever the machine's locale
    })
    state.write_text(f"cd {shlex.quote(str(work))}\n", encoding="utf-8")
    ran = 0
    for block in console_blocks(page):
        if not block.offline:
            continue
        for command in block.commands:
            script = f"source {shlex.quote(str(state))}\n{command.text}\n__rc=$?\n" \
                     f"{{ export -p; printf 'cd %q\\n' \"$PWD\"; }} > {shlex.quote(str(state))}\nexit $__rc\n"
            done = subprocess.run(["bash", "-c", script], env=env, capture_output=True, text=True,
                                  timeout=COMMAND_TIMEOUT, check=False)
            where = f"{page.relative_to(REPO)}:{block.line}: $ {command.text}"
            assert done.returncode == command.exit_code, (
                f"{where}\nexit {done.returncode}, expected {command.exit_code}\n{done.stdout}\n{done.stderr}")
            missing = missing_output(command.output, done.stdout + "\n" + done.stderr)
            assert not missing, f"{where}\nshown but not printed: {missing}\nprinted:\n{done.stdout}\n{done.stderr}"
            ran += 1
    return ran


def test_the_convention_reads_commands_output_and_marks(tmp_path: Path) -> None:
    page = tmp_path / "page.md"
    page.write_text(
        "Text.\n\n```console\n$ echo one \\\n  two\none two\n$ python -c \"\n> print(1)\n> \"\n1\n"
        "$ cat > f <<'EOF'\n$ not a command\nEOF\n```\n\n"
        "<!-- offline: no (needs the Hub) -->\n\n```console\n$ masthead publish 1.0.0 --repo-id a/b\n```\n\n"
        "<!-- exit: 2 -->\n```console\n$ false\n```\n\n```bash\necho read, not run\n```\n", encoding="utf-8")
    blocks = console_blocks(page)
    assert [[c.text for c in b.commands] for b in blocks] == [
        ["echo one \\\n  two", 'python -c "\nprint(1)\n"', "cat > f <<'EOF'\n$ not a command\nEOF"],
        ["masthead publish 1.0.0 --repo-id a/b"],
        ["false"],
    ]
    assert [b.offline for b in blocks] == [True, False, True]
    assert blocks[0].commands[0].output == ["one two"] and blocks[2].commands[0].exit_code == 2
    assert missing_output(["built ... 3 documents", "release: ..."], "built x 1.0.0: 3 documents\nrelease: /tmp") == []
    assert missing_output(["release: ...", "built ... 3 documents"], "built x 1.0.0: 3 documents\nrelease: /tmp") != []
    assert missing_output(["4 documents"], "3 documents") == ["4 documents"]


def test_the_pages_hold_enough_runnable_commands() -> None:
    counts = {page.name: sum(len(b.commands) for b in console_blocks(page) if b.offline) for page in PAGES}
    assert (DOCS / "tutorial" / "first-release.md") in PAGES
    assert sum(counts.values()) >= MIN_COMMANDS, counts


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES, ids=[p.stem for p in PAGES])
def test_the_commands_of_the_page_run_offline(page: Path, tmp_path: Path) -> None:
    run_page(page, tmp_path)
