"""CSV with a header row; every row is one document. Empty cells are missing values."""

from __future__ import annotations

import csv
import io
import sys
from collections.abc import Iterator

from masthead.errors import BAD_CSV, Reject
from masthead.pipeline.records import GIVEN, RawRecord
from masthead.readers.decode import Decoded, nul_bytes

csv.field_size_limit(min(sys.maxsize, 2**31 - 1))


def read_csv(decoded: Decoded, source: str) -> Iterator[RawRecord | Reject]:
    reader = csv.reader(io.StringIO(decoded.text, newline=""), strict=True)
    try:
        header = next(reader)
    except StopIteration:
        return
    except csv.Error as exc:
        yield Reject.of(BAD_CSV, source, 1, detail=f"header: {exc}")
        return
    has_nul = "\x00" in decoded.text  # a stray NUL costs only the rows that hold one
    if has_nul and (nul := nul_bytes(",".join(header), source, None, "", "the header row")) is not None:
        yield nul
        return
    header = [h.strip() for h in header]
    if len(set(header)) != len(header) or not all(header):
        yield Reject.of(BAD_CSV, source, 1, detail="the header has empty or repeated column names")
        return
    number = 0
    while True:
        number += 1
        try:
            row = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            yield Reject.of(BAD_CSV, source, number, detail=f"{exc} (near line {reader.line_num})")
            return
        if not any(cell.strip() for cell in row):
            continue
        if len(row) != len(header):
            yield Reject.of(
                BAD_CSV, source, number,
                detail=f"{len(row)} cells where the header has {len(header)} (line {reader.line_num})",
            )
            continue
        if has_nul and (nul := _nul_cell(header, row, source, number)) is not None:
            yield nul
            continue
        fields = {name: cell for name, cell in zip(header, row, strict=True) if cell != ""}
        yield RawRecord(source, number, fields, {k: GIVEN for k in fields}, decoded.encoding, single=False)


def _nul_cell(header: list[str], row: list[str], source: str, number: int) -> Reject | None:
    """The reject of a row with a NUL byte in a cell, naming the first such column."""
    for name, cell in zip(header, row, strict=True):
        if (nul := nul_bytes(cell, source, number, f"/{name}", f"the {name!r} cell")) is not None:
            return nul
    return None
