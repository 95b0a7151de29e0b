#!/usr/bin/env bash
# Time attend on synthetic registers of 1,500 / 20,000 / 150,000 pupils (and 600,000 with --big),
# beside the polars baseline where Python has polars, and check attend's figures against the
# generator's truth for every pupil. A benchmark, not a test; it needs nothing outside the repository.
#
#   scripts/bench.sh [--runs N] [--big] [--wide-only] [--sets "school trust authority"]
#
#   --runs N      runs per timing, median reported (default 5; or RUNS=N)
#   --big         also the 600,000-pupil set (wide only: the long export would be 14 GB)
#   --wide-only   skip the long exports (the 150,000-pupil one is 3.5 GB and takes minutes to make)
#   --sets LIST   which sets: school (1,500, secondary), trust (20,000), authority (150,000), big
#
# Data sets are made once with tests/tools/gen_register.py (seed 2024, BOM, CRLF, a whole school
# year) into $ATTEND_BENCH_DATA (default ${TMPDIR:-/tmp}/attend-bench-data), never the repository.
# For each export it times, as whole processes with peak memory (/usr/bin/time):
#   import        attend init + attend import FILE, into an empty workspace
#   flag          attend flag --all --format csv over the workspace just made
#   report        attend report --format csv --html FILE over the same workspace
#   import+flag   the two together (what the polars baseline does in one go)
#   polars        benches/baseline_polars.py FILE (when $PYTHON, default python3, has polars)
#   read floor    wc -l FILE: reading the file and nothing else
# then checks `flag --all --format csv` against the truth (tests/tools/check_truth.py), stopping
# with an error on any difference. A table in the README's form ends the run; every timing is also
# appended to $ATTEND_BENCH_DATA/results.csv. Check the machine's load first (`uptime`).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$(pwd)
GEN=$ROOT/tests/tools/gen_register.py
DATA=${ATTEND_BENCH_DATA:-${TMPDIR:-/tmp}/attend-bench-data}
PY=${PYTHON:-python3}
RUNS=${RUNS:-5}
SETS="school trust authority"
LONG=1
while [ $# -gt 0 ]; do
  case $1 in
    --runs) RUNS=$2; shift 2 ;;
    --big) SETS="$SETS big"; shift ;;
    --wide-only) LONG=0; shift ;;
    --sets) SETS=$2; shift 2 ;;
    -h|--help) sed -n '2,24p' "$0"; exit 0 ;;
    *) echo "unknown option: $1 (see --help)" >&2; exit 2 ;;
  esac
done
mkdir -p "$DATA"
RUN_CSV=$DATA/run-$(date -u +%Y%m%dT%H%M%S).csv
WS=$DATA/ws
HTML=$DATA/report.html

cargo build --release --locked --quiet
A=$ROOT/target/release/attend

# set -> pupils, phase
pupils_of() { case $1 in school) echo 1500 ;; trust) echo 20000 ;; authority) echo 150000 ;; big) echo 600000 ;; esac; }
phase_of() { case $1 in school) echo secondary ;; *) echo all ;; esac; }

make_data() { # set format
  local set=$1 format=$2 out="$DATA/$1-$2.csv"
  [ -f "$out" ] && [ -f "$DATA/$set-truth.json" ] && return
  echo "== making $out ($(pupils_of "$set") pupils, $format)" >&2
  # the same seed gives the same pupils and marks in both shapes: one truth for both
  python3 "$GEN" --pupils "$(pupils_of "$set")" --phase "$(phase_of "$set")" --format "$format" \
    --seed 2024 --bom --names-from-seed --out "$out.part" --truth "$DATA/$set-truth.json.part"
  mv "$out.part" "$out"
  mv "$DATA/$set-truth.json.part" "$DATA/$set-truth.json"
}

timeit() { # label command...
  local label=$1; shift
  python3 "$ROOT/benches/timeit.py" --runs "$RUNS" --label "$label" --csv "$RUN_CSV" -- "$@"
}

has_polars=0
"$PY" -c 'import polars' 2>/dev/null && has_polars=1
[ $has_polars = 1 ] || echo "note: $PY has no polars: the baseline is left out (set PYTHON to one that has)" >&2

echo "== $(date -u '+%Y-%m-%d %H:%M UTC'); $(nproc) cores; load:$(uptime | sed 's/.*load average://')" >&2
for set in $SETS; do
  [ -n "$(pupils_of "$set")" ] || { echo "unknown set: $set" >&2; exit 2; }
  formats=wide
  [ $LONG = 1 ] && [ "$set" != big ] && formats="wide long"
  for format in $formats; do
    make_data "$set" "$format"
    f=$set-$format
    csv=$DATA/$f.csv
    echo "== $f ($(du -h "$csv" | cut -f1))" >&2
    timeit "$f/read-floor" wc -l "$csv"
    timeit "$f/import" sh -c 'rm -rf "$1" && "$0" --dir "$1" -q init && "$0" --dir "$1" -q import "$2"' "$A" "$WS" "$csv"
    timeit "$f/flag" "$A" --dir "$WS" flag --all --format csv
    timeit "$f/report" "$A" --dir "$WS" -q report --format csv --html "$HTML"
    timeit "$f/import+flag" sh -c 'rm -rf "$1" && "$0" --dir "$1" -q init && "$0" --dir "$1" -q import "$2" && "$0" --dir "$1" flag --all --format csv' "$A" "$WS" "$csv"
    if [ $has_polars = 1 ]; then
      timeit "$f/polars" "$PY" "$ROOT/benches/baseline_polars.py" "$csv" --threshold 90 --out "$DATA/$f.polars.csv"
    fi
    "$A" --dir "$WS" flag --all --format csv > "$DATA/$f.attend.csv"
    python3 "$ROOT/tests/tools/check_truth.py" "$DATA/$set-truth.json" "$DATA/$f.attend.csv" --names --quiet >&2
  done
done

# the table, as README's Speed section shows it
python3 - "$RUN_CSV" <<'EOF'
import csv, sys
rows = {r["label"]: r for r in csv.DictReader(open(sys.argv[1]))}
files = []
for label in rows:
    f = label.split("/")[0]
    if f not in files:
        files.append(f)
def cell(f, job, mem=True):
    r = rows.get(f"{f}/{job}")
    if not r:
        return ""
    return f"{float(r['median_s']):.3f} s" + (f", {r['peak_rss_mib']} MiB" if mem else "")
print("| export | import | flag --all --format csv | report --format csv --html | import + flag | polars | ratio | wc -l |")
print("|---|---|---|---|---|---|---|---|")
for f in files:
    both, pol = rows.get(f"{f}/import+flag"), rows.get(f"{f}/polars")
    ratio = f"{float(both['median_s']) / float(pol['median_s']):.2f}" if both and pol else ""
    print(f"| {f} | {cell(f, 'import')} | {cell(f, 'flag')} | {cell(f, 'report')} | {cell(f, 'import+flag')} "
          f"| {cell(f, 'polars')} | {ratio} | {cell(f, 'read-floor', False)} |")
EOF
cat "$RUN_CSV" >> "$DATA/results.csv"
echo "timings: $RUN_CSV (also appended to $DATA/results.csv)" >&2
