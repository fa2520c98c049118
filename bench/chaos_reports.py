#!/usr/bin/env python3
"""Compares the report files of two pipeline runs: bench/chaos uses it.

    bench/chaos_reports.py BASE_OUT OTHER_OUT

Every file under BASE_OUT/<LA>/ (not archive/, quarantine/ or state/) must be in
OTHER_OUT with the same content as read here. Prints "compared N" and then one line per
file that is missing or differs; exits 0 when none does, 1 otherwise.

Times a report prints (generated, uploaded) differ between runs and are masked. JSON is
printed with sorted keys (a Protobuf map has no fixed order). An XLSX is printed cell by
cell with its shared strings resolved (their numbering follows the strings, which hold
times), one line per cell: sheet, cell reference, value. Other files are printed as they
are. Only the standard library: no package to install.
"""
import json
import os
import re
import sys
import zipfile

TIME = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?Z")
UNIX_MS = re.compile(r'"([a-z_]*unix_ms)": "?\d+"?')


def mask(text):
    return UNIX_MS.sub(r'"\1": <ms>', TIME.sub("<time>", text))


def xlsx_text(path):
    out = []
    with zipfile.ZipFile(path) as z:
        names = sorted(z.namelist())
        strings = []
        if "xl/sharedStrings.xml" in names:
            sst = z.read("xl/sharedStrings.xml").decode("utf-8")
            for si in re.findall(r"<si>(.*?)</si>", sst, re.S):
                strings.append("".join(re.findall(r"<t[^>]*>(.*?)</t>", si, re.S)))
        for name in names:
            data = z.read(name).decode("utf-8", "replace")
            if name.startswith("xl/worksheets/") and name.endswith(".xml"):
                for attrs, body in re.findall(r"<c ([^>]*?)(?:/>|>(.*?)</c>)", data, re.S):
                    ref = re.search(r'r="([^"]+)"', attrs)
                    kind = re.search(r't="([^"]+)"', attrs)
                    value = re.search(r"<v>(.*?)</v>", body or "", re.S)
                    text = re.search(r"<t[^>]*>(.*?)</t>", body or "", re.S)
                    v = value.group(1) if value else (text.group(1) if text else "")
                    if kind and kind.group(1) == "s" and v.isdigit() and int(v) < len(strings):
                        v = strings[int(v)]
                    out.append("%s\t%s\t%s" % (name, ref.group(1) if ref else "?", mask(v)))
            elif name != "xl/sharedStrings.xml":
                out.append("%s\t%s" % (name, mask(data)))
    return "\n".join(out)


def text_of(path):
    if path.endswith(".xlsx"):
        return xlsx_text(path)
    if path.endswith(".json"):
        with open(path, encoding="utf-8") as f:
            return mask(json.dumps(json.load(f), sort_keys=True, indent=1))
    with open(path, encoding="utf-8", errors="replace") as f:
        return mask(f.read())


def main():
    if len(sys.argv) != 3:
        sys.stderr.write("usage: chaos_reports.py BASE_OUT OTHER_OUT\n")
        return 2
    base, other = sys.argv[1], sys.argv[2]
    files = []
    for top in sorted(os.listdir(base)):
        if top in ("archive", "quarantine", "state") or not os.path.isdir(os.path.join(base, top)):
            continue
        for d, _, names in os.walk(os.path.join(base, top)):
            files += [os.path.relpath(os.path.join(d, n), base) for n in names]
    problems = []
    for rel in sorted(files):
        theirs = os.path.join(other, rel)
        if not os.path.isfile(theirs):
            problems.append("missing: " + rel)
            continue
        try:
            if text_of(os.path.join(base, rel)) != text_of(theirs):
                problems.append("differs: " + rel)
        except (ValueError, zipfile.BadZipFile) as e:
            problems.append("unreadable: %s (%s)" % (rel, e))
    print("compared %d" % len(files))
    for p in problems:
        print(p)
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
