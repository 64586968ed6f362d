"""A page back to a document's text, and the verdict on it: the per-document step of ``hydrate``.

The text is rebuilt by the build's own code, never a copy of it: the page's bytes are decoded as
the HTML reader decodes a file (:func:`masthead.readers.decode.decode`), cleaned by
:func:`masthead.clean.clean_record` (the pipeline's text step: extraction, line rules, layout),
and the corpus-level step is applied again with :func:`masthead.clean.repeated_lines.strip_repeated`,
given the hashes of the lines the build stripped from this document (``stripped_lines``). What
the build's other steps do (metadata, language, validation) never changes the text, so the text
rebuilt from an unchanged page is the published one, byte for byte. This holds for a corpus built
from the pages themselves (HTML files, or an ``html`` field); a corpus built from texts someone
else extracted verifies ``near`` at best, since masthead's extraction is not theirs.

The corpus-level step: the build strips a paragraph from a document when its hash is one of its
outlet's repeated lines. The release records, per document, the hashes it stripped; stripping
those hashes again from the rebuilt text removes exactly the same paragraphs. A page served with
other furniture (a new newsletter prompt) may carry a repeated line this document did not have
at build time, so the union of the lines stripped from the outlet's documents
(``group_lines``, the outlet's repeated lines as far as the release shows them) is tried too,
and the best of the two texts is taken (an exact match first, else the higher similarity).

:func:`verify` is a pure function of its arguments, so it runs on any worker.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass

from masthead.hydrate.pages import Answer, Missing

EXACT, NEAR, CHANGED, MISSING = "exact", "near", "changed", "missing"
STATUSES = (EXACT, NEAR, CHANGED, MISSING)
HTML_TYPES = ("text/html", "application/xhtml+xml", "text/plain")
# what the cleaning step rejects a page for that says "no article here" rather than "another text"
_NOT_A_PAGE = ("binary", "undecodable", "too-large", "not-html", "unreadable")


@dataclass(frozen=True)
class Target:
    """What the release says of one document: enough to rebuild and check its text."""

    id: str
    content_sha256: str
    text_minhash: bytes
    stripped_lines: tuple[str, ...] = ()
    group_lines: tuple[str, ...] = ()
    title: str | None = None  # the given title, when the build had one (the layout step compares lines with it)


@dataclass(frozen=True)
class Verdict:
    status: str
    score: float | None = None
    detail: str | None = None
    text: str | None = None  # the rebuilt text (exact and near only)
    dek: str | None = None


def _is_html(content_type: str | None) -> bool:
    return content_type is None or content_type.split(";")[0].strip().lower() in HTML_TYPES


def rebuilt_texts(html: str, target: Target) -> tuple[list[str], str | None, str | None]:
    """The candidate texts of ``html`` (the document's own stripped lines removed; then the outlet's),
    its dek, and the reject code when the cleaning step finds no text."""
    from masthead.clean import clean_record
    from masthead.clean.repeated_lines import strip_repeated

    fields: dict[str, str] = {"html": html}
    if target.title is not None:
        fields["title"] = target.title
    cleaned = clean_record(fields)
    if cleaned.reject is not None or not cleaned.text:
        return [], None, cleaned.reject.code if cleaned.reject is not None else "empty"
    texts = [strip_repeated({"text": cleaned.text}, frozenset(target.stripped_lines))["text"]]
    if target.group_lines and set(target.group_lines) != set(target.stripped_lines):
        other = strip_repeated({"text": cleaned.text}, frozenset(target.group_lines))["text"]
        if other != texts[0]:
            texts.append(other)
    return texts, cleaned.dek, None


def verify(answer: Answer, target: Target, near: float) -> Verdict:
    """The page's verdict for ``target``: exact, near (similarity at least ``near``), changed or missing."""
    from masthead.duplicates.minhash import signature, similarity
    from masthead.readers.decode import Decoded, decode

    if isinstance(answer, Missing):
        return Verdict(MISSING, None, answer.reason)
    if not _is_html(answer.content_type):
        return Verdict(MISSING, None, f"not HTML ({answer.content_type})")
    decoded = decode(answer.body, answer.url)
    if not isinstance(decoded, Decoded):
        return Verdict(MISSING, None, f"not a readable page ({decoded.message})")
    texts, dek, problem = rebuilt_texts(decoded.text, target)
    moved = f"redirected to {answer.final_url}" if answer.final_url and answer.final_url != answer.url else None
    if problem is not None:
        if problem in _NOT_A_PAGE:
            return Verdict(MISSING, None, f"not an article page ({problem})")
        return Verdict(CHANGED, 0.0, f"no text on the page ({problem})" + (f"; {moved}" if moved else ""))
    for text in texts:
        if hashlib.sha256(text.encode("utf-8")).hexdigest() == target.content_sha256:
            return Verdict(EXACT, 1.0, moved, text, dek)
    scored = [(similarity(signature(text), target.text_minhash), text) for text in texts]
    score, text = max(scored, key=lambda pair: pair[0])
    if score >= near:
        return Verdict(NEAR, score, moved, text, dek)
    return Verdict(CHANGED, score, moved)
