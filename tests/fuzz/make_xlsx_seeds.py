#!/usr/bin/env python3
"""Writes the seed workbooks of the annex_a_xlsx fuzzer into corpus/annex_a_xlsx/.

Small synthetic Annex A workbooks: list 1 with inline and shared strings, serial dates
and the 1904 date system; most parts stored uncompressed so that the fuzzer's mutations
reach the XML (a stored part is parsed before its checksum is compared). Deterministic:
the same bytes on every run.  Usage: tests/fuzz/make_xlsx_seeds.py
"""
import os
import zipfile

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
PKG = "http://schemas.openxmlformats.org/package/2006/relationships"
OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "corpus", "annex_a_xlsx")


def workbook(sheets, shared=None, workbook_pr=""):
    wb = f'<workbook xmlns="{MAIN}" xmlns:r="{REL}"><workbookPr {workbook_pr}/><sheets>'
    rels = f'<Relationships xmlns="{PKG}">'
    parts = []
    for i, (name, rows) in enumerate(sheets, 1):
        wb += f'<sheet name="{name}" sheetId="{i}" r:id="rId{i}"/>'
        rels += f'<Relationship Id="rId{i}" Type="{REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        parts.append((f"xl/worksheets/sheet{i}.xml", f'<worksheet xmlns="{MAIN}"><sheetData>{rows}</sheetData></worksheet>'))
    wb += "</sheets></workbook>"
    if shared is not None:
        rels += f'<Relationship Id="rIdS" Type="{REL}/sharedStrings" Target="sharedStrings.xml"/>'
        parts.append(("xl/sharedStrings.xml", f'<sst xmlns="{MAIN}">' + "".join(f"<si>{s}</si>" for s in shared) + "</sst>"))
    rels += "</Relationships>"
    root = f'<Relationships xmlns="{PKG}"><Relationship Id="rId1" Type="{REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
    return [("_rels/.rels", root), ("xl/workbook.xml", wb), ("xl/_rels/workbook.xml.rels", rels)] + parts


def inline(ref, text):
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'


def num(ref, value):
    return f'<c r="{ref}"><v>{value}</v></c>'


def shared_ref(ref, index):
    return f'<c r="{ref}" t="s"><v>{index}</v></c>'


def write(name, parts, compression=zipfile.ZIP_STORED):
    with zipfile.ZipFile(os.path.join(OUT, name), "w", compression) as z:
        for part, data in parts:
            info = zipfile.ZipInfo(part, date_time=(2016, 3, 31, 0, 0, 0))
            info.compress_type = compression
            z.writestr(info, data)


HEAD = ["Child Unique ID", "Gender", "Date of Birth", "Date of Contact", "Contact Source"]


def main():
    os.makedirs(OUT, exist_ok=True)
    header = "<row r=\"1\">" + "".join(inline(f"{c}1", h) for c, h in zip("ABCDE", HEAD)) + "</row>"
    rows = (header + "<row r=\"2\">" + inline("A2", "C1") + inline("B2", "a) Male") + num("C2", "40210") +
            num("D2", "42460") + inline("E2", "q) 6: Police") + "</row>"
            "<row r=\"3\"><c r=\"A3\"/></row>"
            "<row>" + num("A4", "9.212044E6") + num("C4", "60") + num("D4", "61") + inline("E4", "x") + "</row>")
    write("list1_inline.xlsx", workbook([("List 1", rows)]))
    shared = ["<t>Child Unique ID</t>", "<t>Gender</t>", "<t>Date of Contact</t>", "<r><t>Contact </t></r><r><t>Source</t></r>",
              "<t>b) Female</t>"]
    srows = ("<row r=\"2\"><c r=\"A2\" t=\"str\"><v>Annex A</v></c></row><row r=\"3\">" +
             "".join(shared_ref(f"{c}3", i) for c, i in zip("ABCD", range(4))) + "</row><row r=\"4\">" +
             inline("A4", "C2") + shared_ref("B4", 4) + num("C4", "42000.75") + inline("D4", "q) 6: Police") + "</row>")
    write("list1_shared_title_row.xlsx", workbook([("Notes", "<row r=\"1\">" + inline("A1", "notes") + "</row>"),
                                                   ("Contacts", srows)], shared))
    write("list1_date1904.xlsx", workbook([("List 1", rows)], None, 'date1904="1"'))
    write("list1_deflated.xlsx", workbook([("List 1", rows)]), zipfile.ZIP_DEFLATED)


if __name__ == "__main__":
    main()
