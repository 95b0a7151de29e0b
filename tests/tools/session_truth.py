#!/usr/bin/env python3
"""Week-by-week and weekday figures of a wide register export, counted with the generator's own
code tables (gen_register.py), independently of attend. Prints JSON:
{"weeks": {"2024-09-02": {...}}, "weekdays": {"Monday": {...}}, "codes": {"I": n, ...}}
each {...} holding possible, attended, authorised, unauthorised, late_before_close, late_after_close.

    session_truth.py EXPORT.csv [--from YYYY-MM-DD] [--to YYYY-MM-DD]
"""
import csv
import datetime as dt
import json
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import gen_register as g  # noqa: E402

DAYS = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday"]


def main():
    path = sys.argv[1]
    args = sys.argv[2:]
    lo = dt.date.fromisoformat(args[args.index("--from") + 1]) if "--from" in args else dt.date.min
    hi = dt.date.fromisoformat(args[args.index("--to") + 1]) if "--to" in args else dt.date.max
    with open(path, encoding="utf-8-sig", newline="") as f:
        rows = list(csv.reader(f))
    header = rows[0]
    cols = []
    for k, h in enumerate(header):
        parts = h.split()
        if len(parts) >= 2 and parts[-1] in ("AM", "PM"):
            d = dt.datetime.strptime(parts[-2], "%d/%m/%Y").date()
            if lo <= d <= hi:
                cols.append((k, d))
    upn_col = header.index("UPN")
    empty = lambda: {"possible": 0, "attended": 0, "authorised": 0, "unauthorised": 0,
                     "late_before_close": 0, "late_after_close": 0}
    weeks, days, codes = {}, {d: empty() for d in DAYS}, {}
    for r in rows[1:]:
        if len(r) <= upn_col or not g.upn_valid(r[upn_col]):
            continue  # the total row
        for k, d in cols:
            m = r[k].strip() if k < len(r) else ""
            if m in g.UNMARKED:
                continue
            table = g.CATEGORY_2024 if d >= g.SWITCH else g.CATEGORY_LEGACY
            cat = table[m]
            if cat == "not_counted":
                continue
            monday = (d - dt.timedelta(days=d.weekday())).isoformat()
            for t in (weeks.setdefault(monday, empty()), days[DAYS[d.weekday()]]):
                t["possible"] += 1
                if cat in ("present", "approved"):
                    t["attended"] += 1
                else:
                    t[cat] += 1
                t["late_before_close"] += m == "L"
                t["late_after_close"] += m == "U"
            if cat in ("authorised", "unauthorised"):
                codes[m] = codes.get(m, 0) + 1
    json.dump({"weeks": weeks, "weekdays": days, "codes": codes}, sys.stdout, sort_keys=True)


if __name__ == "__main__":
    main()
