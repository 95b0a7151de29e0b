#!/bin/sh
# Time attend beside the pandas and polars baselines of ../shared/bench (a benchmark, not a test).
#
#   scripts/bench.sh [FILE...]     FILE: school-wide trust-wide authority-wide authority-long
#                                  (default: school-wide authority-wide authority-long)
#
# Needs the data sets (../shared/bench/bench.sh data school authority; see ../shared/bench/README.md)
# in $ATTEND_BENCH_DATA (default ${TMPDIR:-/tmp}/attend-data). For each file it times, median of
# $RUNS (default 3), with peak memory:
#   import   attend init + attend import FILE, into an empty workspace
#   flag     attend flag --all --format csv, over the workspace just imported
#   report   attend report --format csv --html FILE, over the same workspace (goal: within 2x flag)
#   both     import followed by flag
# then checks attend's figures against the generator's truth (check_truth.py). Timings are appended
# to $ATTEND_BENCH_DATA/results.csv; the baselines' rows for the same file are printed beside them
# (run ../shared/bench/bench.sh run first to time the baselines on this machine).
set -eu
cd "$(dirname "$0")/.."
BENCH=../shared/bench
DATA=${ATTEND_BENCH_DATA:-${TMPDIR:-/tmp}/attend-data}
export ATTEND_BENCH_DATA=$DATA
WS=${TMPDIR:-/tmp}/attend-bench-ws
cargo build --release --locked --quiet
A=$(pwd)/target/release/attend
files=${*:-school-wide authority-wide authority-long}
for f in $files; do
  csv="$DATA/$f.csv"
  [ -f "$csv" ] || { echo "missing $csv: make it with $BENCH/bench.sh data" >&2; exit 1; }
  echo "== $f ($(du -h "$csv" | cut -f1))" >&2
  "$BENCH/bench.sh" compare attend-import "$f" -- \
    sh -c 'rm -rf "$1" && "$0" --dir "$1" init -q && "$0" --dir "$1" import -q {}' "$A" "$WS"
  "$BENCH/bench.sh" compare attend-flag "$f" -- "$A" --dir "$WS" flag --all --format csv
  "$BENCH/bench.sh" compare attend-report "$f" -- \
    "$A" --dir "$WS" -q report --format csv --html "${TMPDIR:-/tmp}/attend-bench-report.html"
  "$BENCH/bench.sh" compare attend-import+flag "$f" -- \
    sh -c 'rm -rf "$1" && "$0" --dir "$1" init -q && "$0" --dir "$1" import -q {} && "$0" --dir "$1" flag --all --format csv' "$A" "$WS"
  "$A" --dir "$WS" flag --all --format csv > "$DATA/$f.attend.csv"
  python3 "$BENCH/check_truth.py" "$DATA/${f%%-*}-truth.json" "$DATA/$f.attend.csv" --names --quiet \
    && echo "   attend's figures match the truth for every pupil" >&2
done
