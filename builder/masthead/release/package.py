"""A release as a pip-installable data package: ``<corpus>-<version>-py3-none-any.whl``.

Like a spaCy model package, but self-contained: the wheel depends on ``datasets`` alone (not on
masthead, which no package index has). Its module (``masthead/release/datapackage.py``, copied
in as it is) has ``load()`` returning the ``DatasetDict`` after checking SHA256SUMS,
``citation(format)``, ``__version__``, the card and ``CITATION.cff`` as package data, and
``python -m <module> verify|cite``. A Hub wheel (``hub=REPO_ID``) carries everything but the
data and fetches the tagged revision into the Hub cache on first ``load()``, checking each file
against the SHA256SUMS it carries. The package registers under the ``masthead.corpora``
entry-point group so that ``masthead.load(corpus="<corpus>")`` finds it. The wheel is written
directly as a zip with fixed timestamps and sorted entries: the same release gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import json
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from masthead import __version__ as masthead_version
from masthead.errors import ConfigError, OutputError
from masthead.project.corpusinfo import read_corpus_info
from masthead.release import datapackage
from masthead.release.citation_formats import available_citations
from masthead.release.layout import CARD, CHECKSUMS, CITATION, DATA, MANIFEST, REJECTS
from masthead.release.load import ENTRY_POINT_GROUP
from masthead.release.manifest import read_manifest_json
from masthead.release.verify import verify_release

EXTRA_FILES = ("croissant.json", "changes.json", "CHANGELOG.md")
_EPOCH = (1980, 1, 1, 0, 0, 0)
REPO_ID = re.compile(r"[A-Za-z0-9][A-Za-z0-9_.-]{0,95}/[A-Za-z0-9][A-Za-z0-9_.-]{0,95}")
MAIN = "from . import main\n\nraise SystemExit(main())\n"


@dataclass(frozen=True)
class Package:
    wheel: Path
    module: str
    files: int

    def as_dict(self) -> dict[str, object]:
        return {"wheel": str(self.wheel), "module": self.module, "files": self.files}


def module_name(corpus: str) -> str:
    name = re.sub(r"[^a-z0-9_]+", "_", corpus.lower()).strip("_")
    return name if name and not name[0].isdigit() else f"corpus_{name}"


def wheel_name(corpus: str, version: str) -> str:
    return f"{module_name(corpus)}-{version}-py3-none-any.whl"


def _record_hash(data: bytes) -> str:
    return "sha256=" + base64.urlsafe_b64encode(hashlib.sha256(data).digest()).rstrip(b"=").decode("ascii")


def _release_members(folder: Path, with_data: bool) -> list[str]:
    names = [CARD, CITATION, MANIFEST, CHECKSUMS, REJECTS, *EXTRA_FILES]
    members = [n for n in names if (folder / n).is_file()]
    if with_data:
        members += sorted(p.relative_to(folder).as_posix() for p in (folder / DATA).rglob("*") if p.is_file())
    return sorted(members)


def _module_source(title: str, corpus: str, version: str, module: str) -> str:
    """datapackage.py with a docstring that says which release it is and how to use it."""
    source = Path(datapackage.__file__).read_text(encoding="utf-8")
    end = source.index('"""', 3) + 3
    title = " ".join(title.replace('"', "'").replace("\\", "/").split())
    doc = (f'"""{title}: release {version} of {corpus}, packaged by masthead {masthead_version}.\n\n'
           f">>> import {module}\n>>> ds = {module}.load()  # the DatasetDict, SHA256SUMS checked first\n"
           f">>> print({module}.citation('bibtex'))\n\n"
           f"Check it: python -m {module} verify; cite it: python -m {module} cite --format apa\n\n"
           + source[3:end - 3].strip() + '\n"""')
    return doc + source[end:]


def _metadata(corpus: str, version: str, summary: str, card: str) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {corpus}",
        f"Version: {version}",
        f"Summary: {' '.join(summary.split())}",
        "Requires-Python: >=3.10",
        "Requires-Dist: datasets",  # pyarrow and huggingface_hub come with it; never masthead
        "Description-Content-Type: text/markdown",
    ]
    return "\n".join(lines) + "\n\n" + card


def _json(data: object) -> bytes:
    return (json.dumps(data, indent=2, ensure_ascii=False, sort_keys=True) + "\n").encode("utf-8")


def build_wheel(folder: Path, out: Path, hub: str | None = None) -> Package:
    """Write the data package of the release in ``folder`` into ``out`` (verified first).

    With ``hub`` (a dataset repository ``ORG/NAME``), the wheel holds no data: it downloads the
    release's tag ``vX.Y.Z`` from that repository on first ``load()``.
    """
    if hub is not None and not REPO_ID.fullmatch(hub):
        raise ConfigError(f"--hub {hub!r} is not a Hub repository id: write ORG/NAME (letters, digits, '-', '_', '.')")
    verify_release(folder)
    manifest = read_manifest_json(folder)
    corpus, version = str(manifest["corpus"]), str(manifest["version"])
    info = read_corpus_info(folder / CITATION, corpus)
    module = module_name(corpus)
    dist_info = f"{module}-{version}.dist-info"
    package = {"corpus": corpus, "version": version, "masthead": masthead_version,
               "hub": {"repo_id": hub, "revision": f"v{version}"} if hub else None}
    entries: list[tuple[str, bytes]] = [
        (f"{module}/__init__.py", _module_source(info.title, corpus, version, module).encode("utf-8")),
        (f"{module}/__main__.py", MAIN.encode("utf-8")),
        (f"{module}/citations.json", _json(available_citations(folder))),
        (f"{module}/package.json", _json(package)),
    ]
    entries += [(f"{module}/release/{rel}", (folder / rel).read_bytes()) for rel in _release_members(folder, hub is None)]
    entries += [
        (f"{dist_info}/METADATA", _metadata(corpus, version, info.title, (folder / CARD).read_text(encoding="utf-8")).encode("utf-8")),
        (f"{dist_info}/WHEEL", (
            f"Wheel-Version: 1.0\nGenerator: masthead {masthead_version}\nRoot-Is-Purelib: true\nTag: py3-none-any\n"
        ).encode()),
        (f"{dist_info}/entry_points.txt", f"[{ENTRY_POINT_GROUP}]\n{corpus} = {module}\n".encode()),
    ]
    record = "".join(f"{name},{_record_hash(data)},{len(data)}\n" for name, data in entries)
    record += f"{dist_info}/RECORD,,\n"
    entries.append((f"{dist_info}/RECORD", record.encode("utf-8")))
    target = out / wheel_name(corpus, version)
    try:
        out.mkdir(parents=True, exist_ok=True)
        temp = target.with_name(target.name + ".part")
        with zipfile.ZipFile(temp, "w", compression=zipfile.ZIP_DEFLATED) as wheel:
            for name, data in entries:
                member = zipfile.ZipInfo(name, date_time=_EPOCH)
                member.external_attr = 0o644 << 16
                member.compress_type = zipfile.ZIP_DEFLATED
                wheel.writestr(member, data)
        temp.replace(target)
    except OSError as exc:
        raise OutputError(f"cannot write the wheel to {out}: {exc.strerror or exc}") from exc
    return Package(target, module, len(entries))
