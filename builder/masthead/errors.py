"""Typed errors and reject reasons: the one place masthead's failures are declared.

This module is a leaf: it imports nothing of masthead's. The library raises
:class:`MastheadError` subclasses and never prints or exits; the CLI turns them
into ``Error: ...`` on stderr and the error's ``exit_code``.

Reject reasons are declarative (stable ``code``, message template, fix) in the
style of frictionless: a record that cannot be published becomes a
:class:`Reject` carrying one of them, and the build goes on.
"""

from __future__ import annotations

from dataclasses import dataclass
from dataclasses import field as dataclass_field
from typing import Any


class MastheadError(Exception):
    """Base of every error the library raises on purpose."""

    exit_code = 2
    code = "masthead-error"


class ConfigError(MastheadError):
    """Settings, CITATION.cff or pyproject.toml are missing or wrong."""

    code = "config-error"


class ProjectNotFoundError(ConfigError):
    """No corpus project (pyproject.toml with [tool.masthead]) was found."""

    code = "project-not-found"


class InputError(MastheadError):
    """The raw folder as a whole cannot be read (missing, empty, not a folder)."""

    code = "input-error"


class SchemaError(MastheadError):
    """A schema file is missing, malformed or uses a construct masthead cannot map."""

    code = "schema-error"


class ReleaseExistsError(MastheadError):
    """The requested release version already exists and releases are immutable."""

    code = "release-exists"


class ReleaseNotFoundError(MastheadError):
    """No release matches the requested version or folder."""

    code = "release-not-found"


class VersionError(MastheadError):
    """A version number is malformed or smaller than the changes require."""

    code = "version-error"


class IntegrityError(MastheadError):
    """A release's files do not match its SHA256SUMS or its manifest."""

    exit_code = 1
    code = "integrity-error"


class StrictModeError(MastheadError):
    """``--strict`` was given and at least one record was rejected."""

    exit_code = 1
    code = "strict-rejects"


class LockedError(MastheadError):
    """Another build of the same corpus holds the lock."""

    code = "locked"


class PublishError(MastheadError):
    """Uploading a release to the Hugging Face Hub failed."""

    code = "publish-error"


class OutputError(MastheadError):
    """The release cannot be written (read-only folder, disk full, ...)."""

    code = "output-error"


class WorkerError(MastheadError):
    """A worker process died (killed, out of memory) while it ran a shard; finished shards are kept."""

    code = "worker-died"


@dataclass(frozen=True)
class RejectReason:
    """A declared kind of reject: stable code, message template and how to fix it."""

    code: str
    template: str
    fix: str

    def message(self, **params: Any) -> str:
        return self.template.format(**params)


def _reason(code: str, template: str, fix: str) -> RejectReason:
    reason = RejectReason(code, template, fix)
    REASONS[code] = reason
    return reason


REASONS: dict[str, RejectReason] = {}

UNREADABLE = _reason(
    "unreadable-file",
    "cannot read the file: {detail}",
    "check the file's permissions and that it is a regular file",
)
UNDECODABLE = _reason(
    "undecodable",
    "the bytes are not text in any encoding masthead recognises ({detail})",
    "re-save the file as UTF-8 text, or remove it if it is not a document",
)
BINARY = _reason(
    "binary-content",
    "the file looks binary, not text ({detail})",
    "remove the file from raw/ or give it the right extension",
)
EMPTY = _reason(
    "empty-document",
    "the document has no text",
    "remove the record or add its text",
)
BAD_JSON = _reason(
    "malformed-json",
    "not valid JSON: {detail}",
    "fix the line so it is one JSON object, or delete it",
)
NOT_OBJECT = _reason(
    "not-an-object",
    "a record must be a JSON object, got {detail}",
    "wrap the values in an object with a 'text' field",
)
BAD_CSV = _reason(
    "malformed-csv",
    "the CSV row cannot be read: {detail}",
    "quote fields that contain commas or newlines and give every row the header's columns",
)
BAD_FRONT_MATTER = _reason(
    "malformed-front-matter",
    "the YAML front matter cannot be read: {detail}",
    "write plain YAML key: value pairs between the two '---' lines (no tags)",
)
SCHEMA_VIOLATION = _reason(
    "schema-violation",
    "{detail}",
    "{fix}",
)
DUPLICATE_ID = _reason(
    "duplicate-id",
    "id {id!r} is already used by {other}",
    "give one of the two records its own 'id' (or URL) in the input or the manifest",
)
MANIFEST_MISSING_FILE = _reason(
    "manifest-missing-file",
    "the manifest names {path!r}, which is not a file under the raw folder",
    "correct the 'path' column or add the file",
)
MANIFEST_BAD_PATH = _reason(
    "manifest-bad-path",
    "the manifest path {path!r} is not a relative path inside the raw folder",
    "use a path relative to the raw folder, without '..' or a leading '/'",
)
UNSUPPORTED_FILE = _reason(
    "unsupported-file",
    "masthead has no reader for {suffix!r} files",
    "convert the file to .txt, .jsonl, .csv, .html or .warc, or move it out of the raw folder",
)
TOO_LARGE = _reason(
    "too-large",
    "{what} is {size} bytes, over the limit of {limit}",
    "split the file or raise the limit in [tool.masthead]",
)
BOILERPLATE_ONLY = _reason(
    "boilerplate-only",
    "nothing is left after removing page furniture ({removed} characters removed)",
    "check the source: it holds no article text",
)
HTML_NO_BODY = _reason(
    "html-no-body",
    "the HTML page holds no article text: {detail}",
    "check that the file is an article page (not an index, login or error page), or supply its text",
)
HTML_TOO_DEEP = _reason(
    "html-too-deep",
    "the HTML nests elements more than {limit} levels deep",
    "check the page: markup this deep is broken or hostile; supply the article's text instead",
)
BAD_DATE = _reason(
    "implausible-date",
    "the date {value!r} is {detail}",
    "correct the date in the input or the manifest",
)
UNSAFE_PATH = _reason(
    "unsafe-path",
    "{path!r} points outside the raw folder",
    "copy the file into the raw folder instead of linking to it",
)
BAD_FILE_NAME = _reason(
    "unsafe-file-name",
    "the file name '{path}' {detail}",
    "rename the file: a UTF-8 name without control characters",
)
SPECIAL_FILE = _reason(
    "special-file",
    "'{path}' is a {kind}, not a regular file; masthead reads only regular files",
    "move it out of the raw folder; named pipes, sockets and devices are never read, as a build would wait on them",
)
NUL_BYTES = _reason(
    "nul-bytes",
    "{what} holds {count} NUL byte(s), the first at character {at}: not text",
    "the file was damaged or written by a binary tool: remove the NUL bytes from this record "
    "(e.g. `tr -d '\\000'`), or fix it where it was written",
)
CHANGED_WHILE_READ = _reason(
    "changed-while-read",
    "the file changed while the build read it ({detail}); nothing of it is published",
    "build again once the file is no longer being written: the next build reads it as it is then",
)

BAD_WARC = _reason(
    "malformed-warc-record",
    "the WARC record at byte offset {offset} cannot be read: {detail}",
    "the archive is damaged or was cut off: fetch or write it again (every bad record is a reject of its own, "
    "with its offset); the other records of the file are read",
)


@dataclass(frozen=True)
class Reject:
    """A record that will not be published, and why. Written to rejects.jsonl."""

    source: str
    record: int | None
    field: str
    code: str
    message: str
    fix: str
    id: str | None = None
    extra: dict[str, Any] = dataclass_field(default_factory=dict)

    @classmethod
    def of(
        cls,
        reason: RejectReason,
        source: str,
        record: int | None = None,
        field: str = "",
        id: str | None = None,
        fix: str | None = None,
        **params: Any,
    ) -> Reject:
        return cls(
            source=source,
            record=record,
            field=field,
            code=reason.code,
            message=reason.message(id=id, **params),
            fix=fix if fix is not None else reason.fix.format(id=id, **params),
            id=id,
        )

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Reject:
        """A reject read back from ``rejects.jsonl`` or a shard's ``meta.json`` (:meth:`as_dict`)."""
        return cls(
            source=data["source"], record=data["record"], field=data["field"], code=data["code"],
            message=data["message"], fix=data["fix"], id=data.get("id"),
        )

    def location(self) -> str:
        where = self.source
        if self.record is not None:
            where += f":{self.record}"
        if self.field:
            where += f" {self.field}"
        return where

    def as_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "record": self.record,
            "field": self.field,
            "code": self.code,
            "message": self.message,
            "fix": self.fix,
            "id": self.id,
        }
