"""A release as a pip-installable data package: ``<corpus>-<version>-py3-none-any.whl``.

Like a spaCy model package: a module whose ``load()`` returns the ``DatasetDict`` (verified
against SHA256SUMS first) and whose ``cite()`` returns the citation, with the release files
inside it, registered under the ``masthead.corpora`` entry-point group so that
``masthead.load(corpus="<corpus>")`` finds it. The wheel is written directly as a zip with
fixed timestamps and sorted entries, so the same release always gives the same bytes.
"""

from __future__ import annotations

import base64
import hashlib
import re
import zipfile
from dataclasses import dataclass
from pathlib import Path

from masthead import __version__ as masthead_version
from masthead.corpusinfo import read_corpus_info
from masthead.errors import OutputError
from masthead.release.layout import CARD, CHECKSUMS, CITATION, DATA, MANIFEST, REJECTS
from masthead.release.load import ENTRY_POINT_GROUP
from masthead.release.manifest import read_manifest_json
from masthead.release.verify import verify_release

EXTRA_FILES = ("croissant.json", "changes.json", "CHANGELOG.md")
_EPOCH = (1980, 1, 1, 0, 0, 0)

MODULE_TEMPLATE = '''"""{title}: release {version} of {corpus}, packaged by masthead {masthead}.

>>> import {module}
>>> ds = {module}.load()       # the DatasetDict, SHA256SUMS checked first
>>> print({module}.cite())     # BibTeX of this exact release
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

__version__ = "{version}"
CORPUS = "{corpus}"
RELEASE = Path(__file__).resolve().parent / "release"


def load(split: str | None = None, *, verify: bool = True) -> Any:
    """The release as a ``datasets.DatasetDict`` (a ``Dataset`` when ``split`` is given)."""
    from masthead.release.load import load_packaged

    return load_packaged(RELEASE, split, verify)


def cite(format: str = "bibtex") -> str:
    """The citation of this release: bibtex, apa, ris or cff."""
    from masthead.release.citation_formats import format_citation

    return format_citation(RELEASE, format)
'''


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


def _release_members(folder: Path) -> list[str]:
    names = [CARD, CITATION, MANIFEST, CHECKSUMS, REJECTS, *EXTRA_FILES]
    members = [n for n in names if (folder / n).is_file()]
    members += sorted(p.relative_to(folder).as_posix() for p in (folder / DATA).glob("*.parquet"))
    return sorted(members)


def _metadata(corpus: str, version: str, summary: str, card: str) -> str:
    lines = [
        "Metadata-Version: 2.1",
        f"Name: {corpus}",
        f"Version: {version}",
        f"Summary: {' '.join(summary.split())}",
        "Requires-Python: >=3.10",
        "Requires-Dist: masthead",
        "Requires-Dist: datasets",
        "Description-Content-Type: text/markdown",
    ]
    return "\n".join(lines) + "\n\n" + card


def build_wheel(folder: Path, out: Path) -> Package:
    """Write the data package of the release in ``folder`` into ``out`` (verified first)."""
    verify_release(folder)
    manifest = read_manifest_json(folder)
    corpus, version = str(manifest["corpus"]), str(manifest["version"])
    info = read_corpus_info(folder / CITATION, corpus)
    module = module_name(corpus)
    dist_info = f"{module}-{version}.dist-info"
    entries: list[tuple[str, bytes]] = [
        (f"{module}/__init__.py", MODULE_TEMPLATE.format(
            title=info.title.replace('"', "'"), version=version, corpus=corpus, module=module, masthead=masthead_version,
        ).encode("utf-8")),
    ]
    entries += [(f"{module}/release/{rel}", (folder / rel).read_bytes()) for rel in _release_members(folder)]
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
