"""Whether a process still runs: one answer for locks, shard temp files and pool workers."""

from __future__ import annotations

import os


def pid_alive(pid: int) -> bool:
    """True unless the process is certainly gone (a pid owned by another user counts as alive)."""
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True  # exists, owned by someone else
    return True
