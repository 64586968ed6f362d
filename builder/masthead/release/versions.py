"""Semantic version numbers of releases."""

from __future__ import annotations

import re
from functools import total_ordering

from masthead.errors import VersionError

_SEMVER = re.compile(r"^(0|[1-9]\d*)\.(0|[1-9]\d*)\.(0|[1-9]\d*)$")


@total_ordering
class Version:
    __slots__ = ("major", "minor", "patch")

    def __init__(self, major: int, minor: int, patch: int) -> None:
        self.major, self.minor, self.patch = major, minor, patch

    @classmethod
    def parse(cls, text: str) -> Version:
        match = _SEMVER.match(text.strip().removeprefix("v"))
        if not match:
            raise VersionError(f"{text!r} is not a version number of the form MAJOR.MINOR.PATCH, e.g. 1.0.0")
        return cls(*(int(g) for g in match.groups()))

    def _key(self) -> tuple[int, int, int]:
        return (self.major, self.minor, self.patch)

    def __eq__(self, other: object) -> bool:
        return isinstance(other, Version) and self._key() == other._key()

    def __lt__(self, other: Version) -> bool:
        return self._key() < other._key()

    def __hash__(self) -> int:
        return hash(self._key())

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"

    def __repr__(self) -> str:
        return f"Version({self})"

    def bump(self, part: str) -> Version:
        if part == "major":
            return Version(self.major + 1, 0, 0)
        if part == "minor":
            return Version(self.major, self.minor + 1, 0)
        if part == "patch":
            return Version(self.major, self.minor, self.patch + 1)
        raise VersionError(f"unknown bump {part!r}; use major, minor or patch")


def is_version(text: str) -> bool:
    return bool(_SEMVER.match(text.strip().removeprefix("v")))
