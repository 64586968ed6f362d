"""The outlet registry (``schema/outlets.json``) and resolution of outlet names, domains and URLs.

The registry is validated against its schema once and turned into lookup tables once per
process (cached by path). Names are matched case-, punctuation-, diacritic- and
leading-"The"-insensitively; hosts by walking up their labels (``edition.cnn.com`` →
``cnn.com``), which needs no public-suffix list: a registry domain is already the
registrable domain or a host name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from masthead.errors import SchemaError
from masthead.schema import file_stamp, schema_file

REGISTRY = "outlets.json"
REGISTRY_SCHEMA = "outlets.schema.json"
MAX_NAME = 200

_NON_WORD = re.compile(r"[\W_]+")
_LEADING_THE = re.compile(r"^the ")
_HOSTLIKE = re.compile(r"^(?:https?://)?(?:[a-z0-9-]{1,63}\.){1,10}[a-z]{2,24}(?:[:/?#]\S{0,2000})?$", re.IGNORECASE)
# Company-form suffixes a collector may append to an outlet's name ("The New York Times Co.").
_CORPORATE = re.compile(r" (?:co|company|corp|corporation|inc|ltd|limited|llc|plc|group|media group|gmbh|sa|ag)$")
# Words that do not change which publication is meant ("Reuters.com", "Fox News Online").
_SITE_WORDS = re.compile(r" (?:online|com|co uk|website|newspaper|digital|web)$")
_UMLAUTS = str.maketrans({"ä": "ae", "ö": "oe", "ü": "ue", "Ä": "Ae", "Ö": "Oe", "Ü": "Ue", "ß": "ss"})
MIN_THE_KEY = 6  # "thesun" stays whole: a leading "the" comes off longer keys only


@dataclass(frozen=True)
class Outlet:
    name: str
    kind: str
    country: str | None
    language: str | None
    time_zone: str | None = None  # IANA zone of the outlet's home calendar, when it has one


def name_key(text: str) -> str:
    """A comparable form of an outlet name: case-folded, no diacritics/punctuation/leading 'The'."""
    return _name_key(text[:MAX_NAME * 2])


@lru_cache(maxsize=4096)  # outlet names, bylines and site names repeat across a corpus
def _name_key(text: str) -> str:
    text = unicodedata.normalize("NFKD", text)
    text = "".join(ch for ch in text if not unicodedata.combining(ch)).casefold().replace("&", " and ")
    return _LEADING_THE.sub("", _NON_WORD.sub(" ", text).strip())


def compact_key(text: str) -> str:
    """``name_key`` without spaces: compares a name with a domain label (``gatewaypundit``)."""
    return name_key(text).replace(" ", "")


def loose_keys(text: str) -> set[str]:
    """The forms under which a text may name a site, for comparing names, title parts and domain labels:
    ``compact_key`` as written and with umlauts written out (``Börsen`` as ``borsen`` and ``boersen``), each
    also without a leading "the" run into the next word (``thegatewaypundit`` as ``gatewaypundit``)."""
    out = set()
    for variant in (text, text.translate(_UMLAUTS)):
        key = compact_key(variant)
        if key:
            out.add(key)
            if len(key) > MIN_THE_KEY and key.startswith("the"):
                out.add(key[3:])
    return out


class Registry:
    """Lookup tables over the registry's outlets."""

    def __init__(self, outlets: list[dict[str, Any]]) -> None:
        self.outlets: list[Outlet] = []
        self.by_key: dict[str, int] = {}
        self.by_domain: dict[str, int] = {}
        ambiguous: set[str] = set()
        for index, entry in enumerate(outlets):
            self.outlets.append(Outlet(entry["name"], entry.get("kind", "other"), entry.get("country"),
                                       entry.get("language"), entry.get("time_zone")))
            labels = [entry["name"], *entry.get("aliases", [])]
            bare = re.sub(r"\s*\([^)]*\)$", "", entry["name"])
            for label in labels:
                self._add_key(name_key(label), index, ambiguous)
            if bare != entry["name"]:  # "Metro (UK)" is also "Metro", unless another outlet is too
                self._add_key(name_key(bare), index, ambiguous)
            for domain in entry.get("domains", []):
                self.by_domain[domain] = index
        for key in ambiguous:
            self.by_key.pop(key, None)

    def _add_key(self, key: str, index: int, ambiguous: set[str]) -> None:
        if not key:
            return
        if self.by_key.get(key, index) != index:
            ambiguous.add(key)
        self.by_key[key] = index

    def by_name(self, name: str) -> Outlet | None:
        """The outlet a name or alias means; company-form and site suffixes are tried off."""
        key = name_key(name)
        if not key:
            return None
        for candidate in (key, _CORPORATE.sub("", key), _SITE_WORDS.sub("", key)):
            found = self.by_key.get(_LEADING_THE.sub("", candidate))
            if found is not None:
                return self.outlets[found]
        if _HOSTLIKE.match(name.strip()):
            return self.by_host(host_of(name.strip()) or "")
        return None

    def by_host(self, host: str) -> Outlet | None:
        """The outlet publishing on ``host`` or a parent domain of it."""
        labels = host.lower().rstrip(".").split(".")
        if labels and labels[0] == "www":
            labels = labels[1:]
        for start in range(len(labels) - 1):
            found = self.by_domain.get(".".join(labels[start:]))
            if found is not None:
                return self.outlets[found]
        return None

    def by_url(self, url: str) -> Outlet | None:
        host = host_of(url)
        return self.by_host(host) if host else None

    def is_agency(self, name: str) -> bool:
        found = self.by_name(name)
        return found is not None and found.kind == "agency"


def host_of(url: str) -> str | None:
    """The lower-case host of a URL (or of a bare domain such as ``nytimes.com``)."""
    text = url.strip()[:4096]
    if "://" not in text:
        text = "http://" + text
    try:
        host = urlsplit(text).hostname
    except ValueError:
        return None
    if not host or "." not in host:
        return None
    return host[4:] if host.startswith("www.") else host


def domain_label(host: str) -> str:
    """The label a site is named by: ``thegatewaypundit`` of ``www.thegatewaypundit.com``,
    ``namibian`` of ``namibian.com.na`` (second-level labels such as ``co``/``com`` skipped)."""
    labels = host.split(".")
    labels = labels[:-1]  # the top-level domain
    while len(labels) > 1 and (len(labels[-1]) <= 3 and labels[-1] in {"co", "com", "org", "net", "gov", "ac", "or", "ne"}):
        labels = labels[:-1]
    return labels[-1] if labels else ""


@lru_cache(maxsize=8)
def _registry_at(path: str, stamp: tuple[int, ...] = ()) -> Registry:
    import fastjsonschema

    data = _read(path)
    schema = _read(str(schema_file(REGISTRY_SCHEMA, Path(path).parent)))
    try:  # compiled, the check costs ~10 ms instead of ~200 ms; jsonschema explains a failure
        fastjsonschema.compile(schema)(data)
        return Registry(data["outlets"])
    except (fastjsonschema.JsonSchemaValueException, fastjsonschema.JsonSchemaDefinitionException):
        pass
    import jsonschema  # only to explain a failure: ~65 ms to import

    try:
        jsonschema.Draft202012Validator(schema).validate(data)
    except jsonschema.ValidationError as exc:
        where = "/".join(str(p) for p in exc.absolute_path)
        raise SchemaError(f"{path}: the outlet registry does not match its schema at /{where}: {exc.message}") from exc
    return Registry(data["outlets"])


def _read(path: str) -> dict[str, Any]:
    import json

    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise SchemaError(f"{path}: cannot read the outlet registry: {exc}") from exc
    if not isinstance(data, dict):
        raise SchemaError(f"{path}: the outlet registry is a JSON object with 'outlets'")
    return data


@lru_cache(maxsize=1)
def _packaged_path() -> str:
    return str(schema_file(REGISTRY))


def load_registry(schema_dir: Path | None = None) -> Registry:
    """The registry of the project's ``schema/`` folder when it has one, else the packaged one."""
    if schema_dir is None:  # the package's files do not move while it runs: resolved once
        return _registry_at(_packaged_path())
    path = str(schema_file(REGISTRY, schema_dir))
    return _registry_at(path, file_stamp(path))  # a project's registry edited between builds is read again
