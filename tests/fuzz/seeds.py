#!/usr/bin/env python3
"""seeds.py SRCDIR OUTDIR - seed corpora for the fuzz targets, from the
project's own test data (never from ../shared/corpus).

OUTDIR/<target>/ gets one file per seed:
  message  every tests/fixtures and examples message, JSON and gzip file
  inflate  the gzip files
  json     the JSON files and the gzip files inflated
  config   etc/tlsrpt-milter.conf.sample, whole and line by line, and the
           config texts of tests/test_config.c
  record   the records of tests/test_tlsrpt_record.c, each behind the
           flag byte fuzz_record.c reads (0-3)
  sts      the policies and TXT records of tests/test_sts_policy.c
"""
import glob
import gzip
import hashlib
import os
import re
import sys

LITERAL = re.compile(r'"((?:[^"\\\n]|\\.)*)"')


def c_strings(path):
    """The string literals of a C file, adjacent ones joined as C does."""
    text = open(path, encoding="utf-8").read()
    text = re.sub(r"/\*.*?\*/", "", text, flags=re.S)
    out, pos = [], 0
    while True:
        m = LITERAL.search(text, pos)
        if m is None:
            return out
        parts = [m.group(1)]
        pos = m.end()
        while True:
            n = re.compile(r'\s*"((?:[^"\\\n]|\\.)*)"').match(text, pos)
            if n is None:
                break
            parts.append(n.group(1))
            pos = n.end()
        raw = "".join(parts)
        out.append(raw.encode("latin-1", "backslashreplace")
                   .decode("unicode_escape").encode("latin-1", "replace"))


def save(outdir, target, data):
    d = os.path.join(outdir, target)
    os.makedirs(d, exist_ok=True)
    name = hashlib.sha1(data).hexdigest()
    with open(os.path.join(d, name), "wb") as f:
        f.write(data)


def main():
    src, out = sys.argv[1], sys.argv[2]
    files = sorted(glob.glob(os.path.join(src, "tests/fixtures/*")) +
                   glob.glob(os.path.join(src, "examples/*")))
    for path in files:
        if path.endswith((".py", "README", ".lua")):
            continue
        data = open(path, "rb").read()
        save(out, "message", data)
        if data[:2] == b"\x1f\x8b":
            save(out, "inflate", data)
            try:
                save(out, "json", gzip.decompress(data))
            except (OSError, EOFError):
                pass
        elif path.endswith(".json"):
            save(out, "json", data)
    sample = open(os.path.join(src, "etc/tlsrpt-milter.conf.sample"), "rb").read()
    save(out, "config", sample)
    for line in sample.splitlines(keepends=True):
        if line.strip() and not line.startswith(b"#"):
            save(out, "config", line)
    for s in c_strings(os.path.join(src, "tests/test_config.c")):
        if b"\n" in s:
            save(out, "config", s)
    for s in c_strings(os.path.join(src, "tests/test_tlsrpt_record.c")):
        for flag in range(4):
            save(out, "record", bytes([flag]) + s)
    for s in c_strings(os.path.join(src, "tests/test_sts_policy.c")):
        save(out, "sts", s)
    for target in ("message", "inflate", "json", "config", "record", "sts"):
        os.makedirs(os.path.join(out, target), exist_ok=True)


main()
