"""Writes tests/cases/hostile/raw/: hostile and broken inputs, byte for byte.

Run once to (re)create the committed files: ``python tests/cases/hostile/make_corpus.py``.
Files too large to commit (a 100 MB line, gzip bombs, deep HTML) and symlinks are made at
test time by ``tests/test_hostile_input.py``.
"""

from __future__ import annotations

import gzip
import json
import random
import shutil
from pathlib import Path

RAW = Path(__file__).resolve().parent / "raw"
ARTICLE = (
    "President Trump and President Putin met in Helsinki on Monday for more than two hours.\n\n"
    "The two leaders spoke to reporters afterwards at a joint news conference.\n"
)


def article(n: int) -> str:
    return f"Report number {n}. " + ARTICLE


def fm(meta: str, body: str) -> str:
    return f"---\n{meta}---\n{body}"


def jl(*rows: object) -> str:
    return "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n" for r in rows)


def files() -> dict[str, bytes]:
    rng = random.Random(7)
    out: dict[str, bytes] = {}

    def put(name: str, data: str | bytes) -> None:
        out[name] = data.encode("utf-8") if isinstance(data, str) else data

    # --- plain text and encodings
    put("good-plain.txt", article(1))
    put("good-front-matter.txt", fm("title: Leaders meet\nauthors: [Jane Doe]\ndate: 2018-07-16\n", article(2)))
    put("empty.txt", b"")
    put("whitespace-only.txt", "   \n\t\n \u00a0 \r\n")
    put("latin1.txt", ("Café in Zürich: " + article(3)).encode("latin-1"))
    put("cp1252-quotes.txt", ("\u201cQuoted\u201d \u2014 " + article(4)).encode("cp1252"))
    put("mixed-encodings.txt", ("Zürich " + article(5)).encode("utf-8") + "Café Genève".encode("latin-1"))
    put("utf16le-no-bom.txt", article(6).encode("utf-16-le"))
    put("utf16be-no-bom.txt", article(7).encode("utf-16-be"))
    put("utf16-bom.txt", article(8).encode("utf-16"))
    put("utf8-bom.txt", "\ufeff" + article(9))
    put("crlf-and-cr.txt", article(10).replace("\n", "\r\n") + "Old Mac line\rend\r")
    put("nul-bytes.txt", article(11).encode() + b"\x00\x00\x00binary tail\x00")
    put("binary-png.txt", b"\x89PNG\r\n\x1a\n" + bytes(rng.randrange(256) for _ in range(2048)))
    put("binary-random.txt", bytes(rng.randrange(256) for _ in range(4096)))
    put("elf-header.txt", b"\x7fELF\x02\x01\x01" + bytes(57) + bytes(rng.randrange(256) for _ in range(1024)))
    put("control-chars-only.txt", bytes(rng.choice([1, 2, 3, 4, 5, 6, 7, 8, 11, 14, 15, 16]) for _ in range(600)))

    # --- front matter
    put("fm-python-tag.txt", fm("title: !!python/object/apply:os.system ['touch /tmp/masthead-pwned']\n", article(12)))
    put("fm-python-name.txt", fm("title: !!python/name:os.system\n", article(13)))
    put("fm-wrong-types.txt", fm("title: [1, 2]\nauthors: {name: Jane}\n", article(14)))
    put("fm-unclosed.txt", "---\ntitle: Never closed\n" + article(15))
    put("fm-not-a-mapping.txt", fm("- just\n- a list\n", article(16)))
    put("fm-unknown-field.txt", fm("title: Typo\nauther: Jane Doe\n", article(17)))
    put("fm-date-zero.txt", fm("title: Zero date\ndate: 0000-00-00\n", article(18)))
    put("fm-date-far-future.txt", fm("title: Far future\ndate: 9999-12-31\n", article(19)))
    put("fm-date-explicit-bad-tag.txt", fm("date: !!timestamp 2018-02-30\n", article(20)))
    levels = "\n".join(f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, 9))
    put("fm-alias-bomb.txt", fm(f"l0: &l0 [x, x, x, x, x, x, x, x, x]\n{levels}\ntitle: *l8\n", article(21)))
    put("fm-deep-nesting.txt", fm("title: " + "[" * 5000 + "]" * 5000 + "\n", article(22)))
    put("fm-title-100k.txt", fm("title: " + "T" * 100_000 + "\n", article(23)))
    put("fm-byline-100k.txt", fm("authors: " + "Jane Doe and " * 8000 + "John Roe\n", article(24)))
    put("fm-bidi-title.txt", fm(
        'title: "Putin \u202eevah ot smialc\u202c meets Trump\u200b\u2066!\u2069"\n'
        'authors: "Jane\u200d Doe\\a, John\u00ad Roe"\n'
        'outlet: "The \u200bDaily\u200b Planet"\n', article(25)))
    put("fm-lone-surrogate.txt", fm('title: "bad \\ud800 escape"\n', article(26)))

    # --- JSON Lines
    put("jsonl-broken-lines.jsonl", jl(
        {"id": "jb-1", "text": article(30)},
        '{"id": "jb-2", "text": "unterminated',
        "[1, 2, 3]",
        '"just a string"',
        {"id": "jb-3", "text": article(31)},
        '{"id": "jb-4", "text": "no newline at the end and cut',
    ).rstrip("\n"))
    put("jsonl-duplicate-lines.jsonl", jl(
        {"id": "dup-1", "text": article(32)},
        {"id": "dup-1", "text": article(32)},
        {"id": "dup-2", "text": article(32)},
    ))
    put("jsonl-deep-nesting.jsonl", jl({"id": "deep-ok", "text": article(33)}, "[" * 100_000 + "]" * 100_000))
    put("jsonl-lone-surrogate.jsonl", jl('{"id": "sur-1", "text": "half a pair \\ud83d here"}',
                                         '{"id": "sur-2", "text": "a whole pair \\ud83d\\ude00 is fine"}'))
    put("jsonl-nan-and-huge.jsonl", jl('{"id": "nan-1", "text": "x", "title": NaN}',
                                       '{"id": 1e999, "text": "huge id"}',
                                       '{"id": "int-1", "text": "y", "outlet": ' + "9" * 5000 + "}"))
    put("jsonl-wrong-types.jsonl", jl({"id": "wt-1", "text": 42}, {"id": "wt-2", "text": "ok", "authors": [1, 2]},
                                      {"id": "wt-3"}, {"id": "has space", "text": "z"}, {"id": "/abs/id", "text": "z"}))
    put("jsonl-bidi-metadata.jsonl", jl({
        "id": "bidi-1", "text": article(34), "title": "Summit\u202e report\u202c",
        "outlet": "Reuters\u2067\u2069", "url": "https://example.org/a\u200b/b", "date": "2018-07-16\u200e",
    }))
    put("jsonl-big-fields.jsonl", jl({"id": "big-1", "text": article(35), "title": "T" * 100_000},
                                     {"id": "big-2", "text": article(36), "authors": ["N" * 2000]},
                                     {"id": "big-3", "text": article(37), "authors": ["Jane Doe"] * 101}))
    put("jsonl-crlf.jsonl", jl({"id": "crlf-1", "text": article(38)}).replace("\n", "\r\n"))
    put("jsonl-empty-text.jsonl", jl({"id": "et-1", "text": ""}, {"id": "et-2", "text": " \n\t "}))

    # --- CSV
    put("csv-ragged.csv", "id,title,text\nr-1,Fine,\"" + article(40) + "\"\nr-2,Too few\nr-3,Too,many,cells\n")
    put("csv-embedded-newlines.csv", 'id,text\nn-1,"line one\nline two, with a comma\n\nand a ""quote"""\n')
    put("csv-unclosed-quote.csv", 'id,text\nq-1,"' + article(41) + '"\nq-2,"never closed\n')
    put("csv-duplicate-header.csv", "text,text\na,b\n")
    put("csv-bom.csv", "\ufeffid,text\nbom-1," + article(42).replace("\n", " ") + "\n")

    # --- gzip
    put("gz-truncated.jsonl.gz", gzip.compress(jl({"id": "gz-t", "text": article(50)}).encode(), mtime=0)[:-12])
    put("gz-not-gzip.txt.gz", article(51))
    put("gz-good.jsonl.gz", gzip.compress(jl({"id": "gz-1", "text": article(52)}).encode(), mtime=0))
    put("gz-two-members.txt.gz", gzip.compress(article(53).encode(), mtime=0) + gzip.compress(b"Second member.", mtime=0))

    # --- HTML
    put("html-xxe.html", '<?xml version="1.0"?>\n<!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
        "<html><head><title>XXE</title></head><body><article><p>&xxe;</p><p>" + article(60) + "</p></article></body></html>")
    put("html-entity-bomb.html", '<!DOCTYPE html [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;&a;&a;">'
        '<!ENTITY c "&b;&b;&b;&b;&b;&b;&b;&b;&b;&b;"><!ENTITY d "&c;&c;&c;&c;&c;&c;&c;&c;&c;&c;">]>'
        "<html><body><article><p>&d;&d;&d;</p><p>" + article(61) + "</p></article></body></html>")
    put("html-remote-resources.html", '<html><head><link rel="stylesheet" href="http://203.0.113.9/x.css">'
        '<script src="http://203.0.113.9/x.js"></script></head><body><iframe src="http://203.0.113.9/"></iframe>'
        '<img src="http://203.0.113.9/p.png"><article><h1>Remote</h1><p>' + article(62) + "</p><p>"
        + article(63) + "</p></article></body></html>")
    put("html-script-only.html", "<html><head><script>alert(1)</script></head><body></body></html>")

    # --- unsupported and manifest
    put("document.pdf", b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n")
    put("no-extension", article(70))
    put("manifest.jsonl", jl(
        {"path": "good-plain.txt", "outlet": "The \u202eTimes", "url": "https://example.org/good-plain"},
        {"path": "../outside.txt", "title": "traversal"},
        {"path": "/etc/passwd", "title": "absolute"},
        {"path": "sub\\..\\..\\x.txt", "title": "backslashes"},
        {"path": "missing-file.txt", "title": "not there"},
        {"path": "./good-plain.txt", "title": "second row for the same file"},
        {"title": "no path at all"},
    ))
    return out


def main() -> None:
    if RAW.exists():
        shutil.rmtree(RAW)
    RAW.mkdir(parents=True)
    for name, data in sorted(files().items()):
        (RAW / name).write_bytes(data)
    print(f"wrote {len(files())} files to {RAW}")  # noqa: T201 - a script reports what it wrote


if __name__ == "__main__":
    main()
