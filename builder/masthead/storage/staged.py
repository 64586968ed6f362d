"""A build whose raw or dist folder is in object storage, run on local stand-ins.

Before the build, the remote raw folder is mirrored into the local folder the settings name as
``raw`` and the remote corpus's newest release is pulled into the local ``dist``; the build then
runs exactly as a local one (same code, same bytes). After it, a new release is pushed to the
store (``SHA256SUMS`` last) and the report names it by its redacted URL. Credentials stay with
the store's client, which reads them from the environment; no message carries them.

The corpus lock is the local one: two machines building into the same remote corpus at once are
not kept apart (S3 offers no lock); a push never overwrites a committed release.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager

from masthead.errors import InputError, MastheadError, OutputError, ReleaseExistsError
from masthead.release.layout import CHECKSUMS, corpus_dir
from masthead.release.report import BuildReport
from masthead.release.versions import is_version
from masthead.settings import Settings
from masthead.storage.location import redact, scrub
from masthead.storage.remote import RemoteFolder, StorageFailure
from masthead.storage.remote_shards import check_work
from masthead.storage.stage import LISTING_FILE, mirror_inputs, pull_newest_release, push_release


def stage_inputs(settings: Settings) -> None:
    """Mirror the remote raw folder (when there is one) into ``settings.raw``; with a work URL, nothing
    (the build lists the folder in the store, :mod:`masthead.storage.remote_inputs`)."""
    check_work(settings)
    if settings.raw_url is None or settings.work is not None:
        return
    try:
        remote = RemoteFolder(settings.raw_url)
        if not mirror_inputs(remote, settings.raw, settings.raw.parent / LISTING_FILE):
            raise InputError(f"the raw folder {remote.shown} holds no documents; put documents in it, or pass --raw")
    except StorageFailure as exc:
        raise InputError(f"cannot read the raw folder: {exc}") from None


@contextmanager
def remote_names(settings: Settings) -> Iterator[None]:
    """Errors raised inside name the remote folders by their URLs, not by their local stand-ins."""
    try:
        yield
    except MastheadError as exc:
        if exc.args and isinstance(exc.args[0], str):
            text = exc.args[0]
            for url, local in ((settings.raw_url, settings.raw), (settings.dist_url, settings.dist)):
                if url is not None:
                    text = text.replace(str(local), redact(url))
            exc.args = (scrub(text), *exc.args[1:])
        raise


def build_with_storage(settings: Settings, build_here: Callable[[Settings], BuildReport]) -> BuildReport:
    """``build_here(settings)`` between staging the remote folders in and pushing the release out."""
    with remote_names(settings):
        return _build_with_storage(settings, build_here)


def _build_with_storage(settings: Settings, build_here: Callable[[Settings], BuildReport]) -> BuildReport:
    stage_inputs(settings)
    if settings.dist_url is None:
        return build_here(settings)
    try:
        corpus = RemoteFolder(settings.dist_url).child(settings.name)
        pull_newest_release(corpus, corpus_dir(settings.dist, settings.name))
        if settings.version is not None and is_version(settings.version) \
                and corpus.child(settings.version).exists(CHECKSUMS):
            raise ReleaseExistsError(f"release {settings.version} already exists at {corpus.shown}/{settings.version} "
                                     "and releases are never overwritten; build a new version")
    except StorageFailure as exc:
        raise OutputError(f"cannot read the releases in the dist folder: {exc}") from None
    report = build_here(settings)  # under the local corpus lock, as any build
    if report.status != "built" or not report.release:
        if report.release:
            report.release = f"{corpus.shown}/{report.version}"
        return report
    from pathlib import Path

    try:
        pushed = push_release(Path(report.release), corpus)
    except FileExistsError as exc:
        raise ReleaseExistsError(f"{exc}; releases are never overwritten, build a new version") from None
    except StorageFailure as exc:
        raise OutputError(f"release {report.version} was built but not uploaded: {exc}; "
                          "run the build again to upload it") from None
    report.release = pushed.shown
    return report
