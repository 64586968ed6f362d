"""Outlets named by the page alone: the devset scored with the outlet registry emptied.

Usage: python benchmarks/devset_page_outlets.py /path/to/devset [--folds 5]

Most devset outlets are registered, so the rules for outlets the registry does not know
(``normalize/site_names.py``: ``og:site_name``, JSON-LD publisher, title tails, the domain
spelled in words) decide only a few pages of the usual benchmark. Here every page goes through
``clean_record`` and ``normalize_metadata`` in-process with an empty registry, so those rules name
the outlet of all pages (outlets the rules were not written from among them); the name is scored
as ``devset_metadata.py`` scores outlets (through the real registry's aliases).
"""

from __future__ import annotations

import argparse
import datetime as dt
import gzip
import json
from pathlib import Path

from devset_metadata import REGISTRY, fold_of, outlet_matches, outlet_names


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("devset", type=Path)
    parser.add_argument("--folds", type=int, default=5)
    args = parser.parse_args()

    import masthead.normalize as normalize
    from masthead.clean import clean_record
    from masthead.normalize.outlets import Registry
    from masthead.pipeline.context import StepContext

    normalize.load_registry = lambda schema_dir=None: Registry([])  # type: ignore[assignment]
    aliases = outlet_names(Path(__file__).resolve().parents[1] / REGISTRY)
    ctx = StepContext(build_date=dt.date.today(), language=None)
    cases = [json.loads(line) for line in (args.devset / "cases.jsonl").read_text(encoding="utf-8").splitlines() if line]
    by_fold: dict[int, list[bool]] = {}
    for case in cases:
        html = gzip.decompress((args.devset / case["file"]).read_bytes()).decode("utf-8", "replace")
        fields, origin = {"html": html, "url": case["url"]}, {"html": "given", "url": "manifest"}
        cleaned = clean_record(fields)
        outlet = None if cleaned.reject is not None else normalize.normalize_metadata(fields, origin, cleaned, ctx).outlet
        ok = outlet_matches(outlet, case["outlet"], aliases)
        by_fold.setdefault(fold_of(case["outlet"], args.folds), []).append(ok)
        if not ok:
            print(f"miss {case['file']}: got {outlet!r} expected {case['outlet']!r}")
    every = [ok for oks in by_fold.values() for ok in oks]
    print(f"outlet from the page alone (registry emptied): {sum(every)}/{len(every)} = {100 * sum(every) / len(every):.1f}%")
    print("by outlet fold: " + ", ".join(f"fold {n} {100 * sum(oks) / len(oks):.1f}" for n, oks in sorted(by_fold.items())))


if __name__ == "__main__":
    main()
