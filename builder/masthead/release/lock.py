"""One build of a corpus at a time: ``dist/<corpus>/.lock`` names the build that holds it.

The lock file holds JSON (pid, hostname, start time, and on Linux the boot id and the
process's start tick, so a pid reused after a crash or a reboot is not mistaken for the
holder). It is created atomically: the JSON is written to a private file which is then
hard-linked to ``.lock`` (fails if the lock exists), so a lock file is never seen half
written; where hard links are unsupported, ``O_CREAT|O_EXCL`` is used instead. A lock whose
holder is dead on this host is stale and is taken over; the build's report says so.
"""

from __future__ import annotations

import datetime as dt
import errno
import json
import os
import socket
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import asdict, dataclass
from pathlib import Path

from masthead.engine import pid_alive
from masthead.errors import LockedError, OutputError

LOCK_NAME = ".lock"
_ATTEMPTS = 5
_HELD: set[Path] = set()  # locks this process holds, so its own pid is never judged stale


@dataclass(frozen=True)
class Holder:
    """Who holds a lock, as written in the lock file."""

    pid: int
    hostname: str
    started: str
    boot_id: str | None = None
    start_tick: str | None = None

    def describe(self) -> str:
        return f"pid {self.pid} on {self.hostname}, started {self.started}"


@dataclass(frozen=True)
class CorpusLock:
    path: Path
    holder: Holder
    took_over: Holder | None = None  # the dead build whose stale lock was taken over


def _read_proc(path: str) -> str | None:
    try:
        return Path(path).read_text(encoding="ascii").strip()
    except (OSError, UnicodeDecodeError):
        return None


def _proc_stat(pid: int) -> tuple[str, str] | None:
    """(state, start tick) of a Linux process, None where /proc is not available."""
    stat = _read_proc(f"/proc/{pid}/stat")
    if stat is None:
        return None
    fields = stat.rpartition(")")[2].split()  # the command name may hold spaces and parentheses
    return (fields[0], fields[19]) if len(fields) > 19 else None


def current_holder() -> Holder:
    stat = _proc_stat(os.getpid())
    return Holder(
        pid=os.getpid(),
        hostname=socket.gethostname(),
        started=dt.datetime.now(dt.timezone.utc).isoformat(timespec="seconds"),
        boot_id=_read_proc("/proc/sys/kernel/random/boot_id"),
        start_tick=stat[1] if stat else None,
    )


def read_holder(path: Path) -> Holder | None:
    """The holder named in a lock file; None if the file is gone. Unreadable content raises."""
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        return Holder(**{k: data.get(k) for k in Holder.__dataclass_fields__})
    except FileNotFoundError:
        return None
    except (OSError, ValueError, TypeError, AttributeError) as exc:
        raise LockedError(
            f"the lock file {path} cannot be read ({exc}); if no build of this corpus is running, delete it"
        ) from exc


def is_stale(holder: Holder, path: Path) -> bool:
    """True when the holder is certainly not running: same host, and its process is gone."""
    if holder.hostname != socket.gethostname():
        return False  # cannot see another machine's processes
    boot_id = _read_proc("/proc/sys/kernel/random/boot_id")
    if holder.boot_id and boot_id and holder.boot_id != boot_id:
        return True  # written before the machine rebooted
    if holder.pid == os.getpid():
        return path not in _HELD
    if not pid_alive(holder.pid):
        return True
    stat = _proc_stat(holder.pid)
    if stat is not None:
        state, tick = stat
        if state in ("Z", "X") or (holder.start_tick is not None and tick != holder.start_tick):
            return True  # a zombie, or the pid now belongs to another process
    return False


def _write_private(path: Path, holder: Holder) -> None:
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o644)
    try:
        os.write(fd, (json.dumps(asdict(holder)) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)


def _create(lock: Path, private: Path, holder: Holder) -> bool:
    """Create ``lock`` holding ``holder``'s JSON; False if it already exists."""
    try:
        os.link(private, lock)
        return True
    except FileExistsError:
        return False
    except OSError as exc:
        if exc.errno not in (errno.EPERM, errno.ENOTSUP, errno.EOPNOTSUPP, errno.EMLINK):
            raise
    try:  # no hard links on this file system
        fd = os.open(lock, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644)
    except FileExistsError:
        return False
    try:
        os.write(fd, (json.dumps(asdict(holder)) + "\n").encode("utf-8"))
        os.fsync(fd)
    finally:
        os.close(fd)
    return True


def _remove_stale(lock: Path, stale: Holder) -> bool:
    """Move the stale lock aside; if what was moved is a fresh lock after all, put it back."""
    grave = lock.with_name(f"{LOCK_NAME}.stale-{os.getpid()}")
    try:
        os.rename(lock, grave)
    except FileNotFoundError:
        return False  # another build removed it first
    try:
        moved = read_holder(grave)
    except LockedError:
        moved = None
    if moved != stale:
        with suppress(OSError):
            os.link(grave, lock)
        grave.unlink(missing_ok=True)
        return False
    grave.unlink(missing_ok=True)
    return True


def acquire(folder: Path) -> CorpusLock:
    """Take the lock of the corpus folder ``folder`` or raise LockedError naming its holder."""
    lock = folder / LOCK_NAME
    me = current_holder()
    private = folder / f"{LOCK_NAME}.{me.pid}.tmp"
    took_over: Holder | None = None
    try:
        folder.mkdir(parents=True, exist_ok=True)
        _write_private(private, me)
        try:
            for _ in range(_ATTEMPTS):
                if _create(lock, private, me):
                    _HELD.add(lock)
                    return CorpusLock(lock, me, took_over)
                holder = read_holder(lock)
                if holder is None:
                    continue
                if not is_stale(holder, lock):
                    raise LockedError(
                        f"another build of this corpus is running ({holder.describe()}); lock file {lock}. "
                        "Wait for it to finish; if that process is not running (e.g. on another machine), "
                        "delete the lock file"
                    )
                if _remove_stale(lock, holder):
                    took_over = holder
        finally:
            private.unlink(missing_ok=True)
    except OSError as exc:
        raise OutputError(f"cannot take the build lock in {folder}: {exc.strerror or exc}") from exc
    raise LockedError(f"could not take the lock {lock} after {_ATTEMPTS} attempts: other builds keep taking it")


def release(held: CorpusLock) -> None:
    """Remove the lock file if it is still ours (never someone else's)."""
    _HELD.discard(held.path)
    try:
        if read_holder(held.path) == held.holder:
            held.path.unlink()
    except (OSError, LockedError):
        pass


@contextmanager
def corpus_lock(folder: Path) -> Iterator[CorpusLock]:
    held = acquire(folder)
    try:
        yield held
    finally:
        release(held)
