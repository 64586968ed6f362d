"""A rebuild's new shards stripped ahead of the count that decides their repeated lines.

The stripping stage (:mod:`masthead.engine.strip_stage`) waits for the corpus-wide decision of
which lines repeat (:func:`masthead.engine.evidence.repeated_groups`), which reads every shard
while the workers sit idle. After a rebuild re-ran a few shards the decision is almost always the
previous build's, so those shards are stripped with it on the workers while the count runs, and
the stage then finds their final files done. A final file is named after the decision it applied
(:func:`~masthead.engine.strip_stage.stripped_path`): a wrong guess is never read, the stage strips
that shard again, and what is lost is the work of the few shards guessed. The release is the same
either way.

The decision is kept in the state folder (``repeated-lines.json``) after every merge; a missing or
unreadable file means no guess.
"""

from __future__ import annotations

import contextlib
import json
import os
import threading
from collections.abc import Sequence
from pathlib import Path

from masthead.engine.strip_stage import Runner, group_names, run_strip_stage

DECISION_FILE = "repeated-lines.json"
Decision = dict[str, frozenset[str]]  # group -> hashes of its repeated lines


def save_decision(path: Path, repeated: dict[int, Decision]) -> None:
    """Keep the decision of this build (by shard, as the merge has it) for the next one to guess with."""
    groups: dict[str, list[str]] = {}
    for decision in repeated.values():
        for group, hashes in decision.items():
            groups[group] = sorted(hashes)
    temp = path.with_name(f"{path.name}.tmp-{os.getpid()}")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        temp.write_text(json.dumps({"groups": dict(sorted(groups.items()))}, separators=(",", ":")), encoding="utf-8")
        os.replace(temp, path)
    except OSError:  # only a guess for the next build: not worth failing this one
        with contextlib.suppress(OSError):
            temp.unlink()


def load_decision(path: Path) -> Decision:
    """The previous build's decision, or nothing when there is none (or it cannot be read)."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return {str(group): frozenset(str(h) for h in hashes) for group, hashes in data["groups"].items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def guess_for(docs_path: Path, decision: Decision) -> Decision:
    """``decision`` restricted to the groups of the shard's documents: what the stage would apply to it
    if the count came out as before."""
    from masthead.engine.documents import read_columns

    groups = set(group_names(read_columns(docs_path, ["source", "outlet"])).to_pylist())
    return {group: decision[group] for group in sorted(groups) if group in decision}


class Speculation:
    """Strips ``fresh`` shards with the previous decision on ``run``'s workers, in a thread, until
    :meth:`join`. Only worth it when the work runs in other processes and few shards are fresh
    (a rebuild): otherwise it never starts."""

    def __init__(self, docs_paths: Sequence[Path], fresh: Sequence[int], decision: Decision, run: Runner,
                 workers: int) -> None:
        self._thread: threading.Thread | None = None
        if not decision or not fresh or workers < 2 or len(fresh) > workers:
            return
        paths = list(docs_paths)

        def strip() -> None:
            # errors are the stage's to report: it runs again whatever this left undone
            with contextlib.suppress(Exception):
                guesses = {index: guess_for(paths[index], decision) for index in fresh}
                run_strip_stage([paths[index] for index in fresh], {i: guesses[index] for i, index in enumerate(fresh)},
                                run, workers)

        self._thread = threading.Thread(target=strip, name="masthead-speculative-strip", daemon=True)
        self._thread.start()

    @property
    def started(self) -> bool:
        return self._thread is not None

    def join(self) -> None:
        if self._thread is not None:
            self._thread.join()
            self._thread = None
