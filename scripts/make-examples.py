#!/usr/bin/env python3
"""Make the bundled example exports in examples/ (run from the repository root).

    python3 scripts/make-examples.py [--generator ../shared/tools/gen_register.py]

* riverside-wide.csv   a wide export of a fictional secondary school, Riverside Academy, as a MIS
                       writes it: UTF-8 with a byte-order mark, CRLF, "Mon 02/09/2024 AM" headers,
                       an Adno column, a column attend does not use, a trailing empty column,
                       some "-" (no mark) cells and a Total row at the end.
* riverside-long.csv   the same marks and pupils as a long export (one row per mark), UTF-8, LF.
* riverside-truth.json the generator's ground truth for every pupil (for tests and checks).
* kellington-cp1252.csv a small primary school's wide export in Windows-1252 (names such as Zoë
                       and O'Brien), as Excel saves it.

Everything is deterministic (fixed seeds), so running this again gives the same files.
"""
import argparse
import csv
import io
import json
import os
import subprocess
import sys

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(HERE)
OUT = os.path.join(ROOT, "examples")


def run_gen(gen, args):
    return subprocess.run([sys.executable, gen] + args, check=True, capture_output=True).stdout


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--generator", default=os.path.join(ROOT, "..", "shared", "tools", "gen_register.py"))
    a = p.parse_args()
    os.makedirs(OUT, exist_ok=True)
    common = ["--pupils", "80", "--seed", "31", "--phase", "secondary", "--until", "2025-03-14",
              "--names-from-seed", "--missing-rate", "0.001", "--missing-mark", "dash"]
    truth = os.path.join(OUT, "riverside-truth.json")
    raw = run_gen(a.generator, common + ["--format", "wide", "--header-style", "weekday", "--newline", "lf",
                                         "--truth", truth])
    rows = list(csv.reader(io.StringIO(raw.decode("utf-8"))))
    header, body = rows[0], rows[1:]
    n_pupil = header.index("EAL") + 1
    sessions = header[n_pupil:]

    # wide, as a MIS writes it: Adno after UPN, an unused column, a trailing empty column, a Total row
    wide_header = [header[0], "Adno"] + header[1:n_pupil] + ["Attendance %"] + sessions + [""]
    wide_rows = []
    for k, r in enumerate(body):
        marks = r[n_pupil:]
        present = sum(1 for m in marks if m in ("/", "\\", "L"))
        counted = sum(1 for m in marks if m not in ("", "-", "#", "Z", "X", "D", "Q") and not m.startswith("Y"))
        pct = f"{100 * present / counted:.1f}" if counted else ""
        wide_rows.append([r[0], f"{1001 + k:06d}"] + r[1:n_pupil] + [pct] + marks + [""])
    total = ["Total", "", "", "", "", "", "", "", "", "", ""] + ["" for _ in sessions] + [""]
    total[len(wide_header) - len(sessions) - 2] = ""
    with open(os.path.join(OUT, "riverside-wide.csv"), "w", encoding="utf-8-sig", newline="") as f:
        w = csv.writer(f, lineterminator="\r\n")
        w.writerow(wide_header)
        w.writerows(wide_rows)
        w.writerow(total[: len(wide_header)])

    # long: the same pupils and marks, one row per mark
    with open(os.path.join(OUT, "riverside-long.csv"), "w", encoding="utf-8", newline="") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["UPN", "Adno", "Legal Surname", "Legal Forename", "Year", "Reg Group", "DOB", "FSM", "SEN",
                    "EAL", "Date", "Session", "Mark", "Minutes Late"])
        for k, r in enumerate(body):
            for head, mark in zip(sessions, r[n_pupil:]):
                _, date, half = head.split(" ")
                w.writerow([r[0], f"{1001 + k:06d}"] + r[1:n_pupil] + [date, half, mark, ""])

    # a primary school's export in Windows-1252
    cp = run_gen(a.generator, ["--pupils", "40", "--seed", "5", "--phase", "primary", "--until", "2024-12-20",
                               "--names-from-seed", "--encoding", "cp1252", "--year-style", "word"])
    with open(os.path.join(OUT, "kellington-cp1252.csv"), "wb") as f:
        f.write(cp)
    with open(truth, encoding="utf-8") as f:
        n = len(json.load(f))
    print(f"wrote examples/: riverside-wide.csv, riverside-long.csv ({n} pupils), kellington-cp1252.csv")


if __name__ == "__main__":
    main()
