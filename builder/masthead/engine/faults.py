"""Fault injection: kill the build with SIGKILL at a named moment, to prove crashes lose nothing.

``checkpoint("release.rename-before")`` is a no-op unless the environment variable
``MASTHEAD_FAULT_AT`` names that checkpoint, as ``name`` (the first time it is reached) or
``name:N`` (the N-th time). The variable is read once, at import, so a checkpoint costs one
comparison in a normal build; :func:`arm` sets it in a process that is already running (a
forked build). The fault-injection tests and ``benchmarks/fault_injection.py`` run builds in
child processes that die at each name in :data:`CHECKPOINTS`. A checkpoint in the shard task
fires in whichever process runs the shard: with ``--workers 2`` that is a pool worker.
"""

from __future__ import annotations

import os
import signal

ENV = "MASTHEAD_FAULT_AT"

# Every checkpoint in the code, in the order a build reaches them. A test checks that each
# one is reached by a real build, so this list cannot drift from the code.
CHECKPOINTS = (
    "build.locked",              # the build holds dist/<corpus>/.lock
    "build.leftovers-removed",   # .tmp-* folders of killed builds are gone
    "read.file",                 # after each input file is read (use read.file:N)
    "process.record",            # after each record went through the pipeline
    "shard.docs-written",        # a shard's docs.parquet fsynced and renamed into its cache folder
    "shard.meta-written",        # its meta.json too
    "shard.done-before",         # its folder fsynced, the done marker not yet written
    "strip.shard",               # a shard's repeated lines stripped in memory, its stripped file not yet written
    "strip.done",                # every shard's stripped file written
    "collect.done",              # every record read, processed and de-duplicated
    "release.temp-created",      # the temporary release folder exists, still empty
    "parquet.shard-before",      # before each Parquet shard is written
    "parquet.shard-after",       # after each Parquet shard is written
    "hf.before",                 # before save_to_disk
    "hf.after",                  # after save_to_disk
    "rejects.written",           # rejects.jsonl
    "citation.written",          # CITATION.cff
    "card.written",              # README.md (the dataset card)
    "manifest.written",          # manifest.json
    "checksums.before",          # every file but SHA256SUMS written
    "checksums.written",         # SHA256SUMS written
    "release.fsynced",           # every file and folder of the release fsynced
    "release.rename-before",     # just before the temporary folder is renamed into place
    "release.rename-after",      # renamed, parent folder not yet fsynced
    "release.committed",         # parent folder fsynced: the release is durable
    "build.unlock-before",       # the lock is about to be released
)

_target, _wanted, _hits = "", 1, 0


def arm(fault: str | None) -> None:
    """Set the checkpoint to die at (``name`` or ``name:N``) in this process, as the variable would."""
    global _target, _wanted, _hits
    _target, _, nth = (fault or "").partition(":")
    _wanted = int(nth) if nth.isdigit() else 1
    _hits = 0


def checkpoint(name: str) -> None:
    """SIGKILL this process if ``MASTHEAD_FAULT_AT`` asks for this checkpoint (and hit count)."""
    global _hits
    if name != _target:
        return
    _hits += 1
    if _hits == _wanted:
        os.kill(os.getpid(), signal.SIGKILL)


arm(os.environ.get(ENV))

# The checkpoints of `masthead hydrate` (not reached by a build; tests/test_hydrate.py kills a hydrate at them).
HYDRATE_CHECKPOINTS = (
    "hydrate.page",              # after each page got (from the cache, the web or a saved file)
    "hydrate.rename-before",     # every output file written, the temporary folder not yet renamed to --out
)
