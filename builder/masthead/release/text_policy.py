"""A release's text policy (``[tool.masthead] text``): what of the documents' text it publishes.

``full`` publishes the document schema as it is. ``metadata`` publishes no text: the fields the
schema marks ``x-masthead-text`` (``text``, ``dek``) are left out, no ``raw`` config is written,
and each document carries instead the schema's ``$defs/verification`` fields (length in characters
and paragraphs, MinHash signature, the hashes of the lines the corpus-level stage stripped) beside
``url`` and ``content_sha256``: what ``masthead hydrate`` needs to rebuild the text from the page
and verify it. The published schema is :func:`masthead.schema.release_schema`; the Arrow schema,
``datasets`` features, card and Croissant are derived from it as for a full release.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from masthead.schema import verification_fields

if TYPE_CHECKING:
    from masthead.settings import Settings


def release_sources(settings: Settings) -> dict[str, str] | None:
    """For a metadata-only release: each verification field -> the work files' column it is read from."""
    if settings.text != "metadata":
        return None
    from masthead.engine import verification_columns

    return verification_columns()


def text_policy(manifest: dict[str, Any]) -> str:
    """The text policy a release was built with, from its manifest (``full`` before policies existed)."""
    return str((manifest.get("settings") or {}).get("text", "full"))


def hydrate_section(corpus: str, version: str, published: dict[str, Any]) -> str:
    """The card's section saying what a metadata-only release holds and how to get the texts back."""
    fields = ", ".join(f"`{name}`" for name in verification_fields(published) or [])
    return "\n".join([
        "## Texts: hydrate them",
        "",
        "This is a **metadata-only release**: it holds no article text (the texts remain the copyright",
        f"of their publishers). In place of the text, each document has its `url`, `content_sha256` and {fields}:",
        "what is needed to rebuild its text from the page and verify it. `masthead hydrate` fetches each",
        "page (or reads your own saved copies), rebuilds the text with the same extraction and cleaning",
        "this release was built with, and checks it against the release document by document:",
        "",
        "```bash",
        "pip install masthead",
        f"masthead hydrate {version} --dist DIST --corpus {corpus} --out hydrated/   # from the web",
        f"masthead hydrate path/to/{corpus}/{version} --from saved-pages/ --out hydrated/  # offline",
        "```",
        "",
        "Each document ends `exact` (the rebuilt text hashes to `content_sha256`), `near` (its MinHash",
        "similarity to `text_minhash` is at least `--near`, default 0.9), `changed` (the page now says",
        "something else; its text is never accepted) or `missing`. `hydrated/` gets Parquet with the full",
        "schema, the text filled in for accepted documents (`--accept exact|near`), a `hydration` column",
        "with each document's status and score, and `hydration.json` with the counts by status and outlet.",
    ])
