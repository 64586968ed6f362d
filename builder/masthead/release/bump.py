"""Semantic versions, enforced: the version a new release gets from what changed.

PATCH: same documents and same text (metadata corrections, serialisation).
MINOR: documents added, none removed or changed.
MAJOR: documents removed, or their text changed.
"""

from __future__ import annotations

from masthead.errors import VersionError
from masthead.release.diff import MAJOR, MINOR, PATCH, DocumentDiff
from masthead.release.versions import Version

BUMPS = ("auto", MAJOR, MINOR, PATCH)
# The rules above, as the release's Croissant maintenance plan states them.
VERSIONING_RULES = (
    "PATCH: the same documents with the same text (metadata corrections, serialisation); "
    "MINOR: documents added, none removed or changed; MAJOR: documents removed, or their text changed."
)
_RANK = {PATCH: 0, MINOR: 1, MAJOR: 2}


def smallest_allowed(newest: Version, diff: DocumentDiff) -> Version:
    """The smallest version after ``newest`` that the changes allow."""
    return newest.bump(diff.required_bump())


def bumped_version(newest: Version, diff: DocumentDiff, bump: str) -> Version:
    """The version for ``--bump``: ``auto`` picks the smallest correct part; an explicit part
    smaller than the changes need is refused with the reason."""
    if bump not in BUMPS:
        raise VersionError(f"unknown bump {bump!r}; choose one of {', '.join(BUMPS)}")
    needed = diff.required_bump()
    if bump == "auto":
        return newest.bump(needed)
    if _RANK[bump] < _RANK[needed]:
        raise VersionError(
            f"--bump {bump} is too small: since release {newest}, {diff.reason()}, which needs a "
            f"{needed.upper()} release ({newest.bump(needed)}); use --bump auto or --bump {needed}"
        )
    return newest.bump(bump)


def check_version(newest: Version, requested: Version, diff: DocumentDiff) -> None:
    """Refuse an explicit version that is not newer than ``newest`` or smaller than the changes need."""
    if requested <= newest:
        raise VersionError(
            f"version {requested} is not newer than the newest release {newest}; "
            f"the changes need {smallest_allowed(newest, diff)} or higher"
        )
    minimum = smallest_allowed(newest, diff)
    if requested < minimum:
        raise VersionError(
            f"version {requested} is too small: since release {newest}, {diff.reason()}, which needs a "
            f"{diff.required_bump().upper()} release: {minimum} or higher (or use --bump auto)"
        )
