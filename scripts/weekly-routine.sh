#!/bin/sh
# The weekly routine of README's "Weekly routine", run on the bundled example (examples/): the
# fictional Riverside Academy in the week of Monday 17 March 2025, after a few weeks' work.
#
#   scripts/weekly-routine.sh [FOLDER]   (default: ./example-workspace; an existing one is replaced)
#
# What came before, run quietly: last week's export (the register to Friday 7 March) and the
# contacts export imported; cases opened for four pupils and letters of concern sent to their
# families on 24 February; a meeting with Isabella Baker's mother on 24 February (review due 17
# March); Lily Parker's parents invited for 10 March, the meeting held and its plan and covering
# letter filed; Zoë O'Brien's parents invited for 17 March. Then the week itself, each command
# shown as you would type it (in the workspace folder) and followed by what attend printed:
# import this week's export, flag, a mail-out's dry run, the mail-out, the week's meetings and
# reviews, and what is due.
# ATTEND=path/to/attend uses that binary instead of building one.
set -eu
cd "$(dirname "$0")/.."
ws=${1:-example-workspace}
if [ -z "${ATTEND:-}" ]; then
  cargo build --release --locked --quiet
  ATTEND=${CARGO_TARGET_DIR:-target}/release/attend
fi
export ATTEND_USER="Mr D. Hughes"
rm -rf "$ws"
mkdir -p "$ws"
ws=$(cd "$ws" && pwd)
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# last week's export: the register to Friday 7 March 2025 (the same file, later sessions left out)
python3 - examples/riverside-wide.csv "$tmp/riverside-wide-2025-03-07.csv" <<'EOF'
import csv, datetime, sys
src, dst = sys.argv[1], sys.argv[2]
with open(src, newline="", encoding="utf-8-sig") as f:
    rows = list(csv.reader(f))
def keep(h):
    parts = h.split()
    for p in parts:
        try:
            return datetime.datetime.strptime(p, "%d/%m/%Y").date() <= datetime.date(2025, 3, 7)
        except ValueError:
            pass
    return True
cols = [i for i, h in enumerate(rows[0]) if keep(h)]
with open(dst, "w", newline="", encoding="utf-8-sig") as f:
    w = csv.writer(f, lineterminator="\r\n")
    for r in rows:
        w.writerow([r[i] if i < len(r) else "" for i in cols])
EOF

q() {
  "$ATTEND" --dir "$ws" --quiet "$@" >/dev/null 2>"$tmp/said" || { cat "$tmp/said" >&2; exit 1; }
}
rmdir "$ws"
"$ATTEND" init "$ws" --quiet
cp examples/attend.yaml "$ws/attend.yaml"
q import "$tmp/riverside-wide-2025-03-07.csv" examples/riverside-contacts.csv
for pupil in "lily parker" "hugo le roux" "zoe o'brien" "megan martin"; do
  q --as-of 2025-02-24 case open "$pupil" --reason "Persistent absence"
done
q --as-of 2025-02-24 letter concern K860309314015 C860260813029 B866212415033 H860277011048
q --as-of 2025-02-24 plan new "isabella baker" --target 95 --weeks 3 \
  --attendee "Hannah Baker|Mother" --attendee "Mr D. Hughes|Attendance Officer" \
  --action "parents|Phone the school by 9am on any day of absence|Hannah Baker" \
  --action "school|Daily check-in with the form tutor|Mr D. Hughes" --letters
q --as-of 2025-03-03 letter invitation "lily parker" --date 2025-03-10 --time 9:30
q --as-of 2025-03-10 plan new "lily parker" --target 95 --weeks 3 \
  --attendee "Joanne Parker|Mother" --attendee "Mr D. Hughes|Attendance Officer" \
  --action "young_person|Go to the Monday morning breakfast club|Lily Parker" \
  --action "parents|Phone the school by 9am on any day of absence|Joanne Parker" \
  --action "school|Weekly check-in with the head of year|Mr D. Hughes" --letters
q --as-of 2025-03-10 letter invitation "zoe o'brien" --date 2025-03-17 --time 15:30

# the week of Monday 17 March 2025
show() {
  printf '\n$ attend'
  for a in "$@"; do
    case "$a" in
      *" "*|*"'"*|*"|"*) printf ' "%s"' "$a" ;;
      *) printf ' %s' "$a" ;;
    esac
  done
  printf '\n'
  "$ATTEND" --dir "$ws" "$@" 2>&1
}
cp examples/riverside-wide.csv "$tmp/riverside-wide.csv"
echo "# Monday 17 March 2025"
(cd "$tmp" && show import riverside-wide.csv)
show --as-of 2025-03-17 flag --threshold 80 --open-cases
show --as-of 2025-03-17 letter concern --all-flagged --threshold 80 --dry-run
show --as-of 2025-03-17 letter concern --all-flagged --threshold 80
show --as-of 2025-03-17 plan new "zoe o'brien" --target 95 --weeks 3 \
  --attendee "Siobhan O'Brien|Mother" --attendee "Mr D. Hughes|Attendance Officer" \
  --action "parents|Phone the school by 9am on any day of absence|Siobhan O'Brien" \
  --action "school|Meet Zoë each Monday morning|Mr D. Hughes" --letters
show --as-of 2025-03-17 letter review-invitation "lily parker" --time 15:30
show --as-of 2025-03-17 review "isabella baker" --dry-run
show --as-of 2025-03-17 review "isabella baker" --attendee "Hannah Baker|Mother" \
  --attendee "Mr D. Hughes|Attendance Officer" --action-status 1=done --action-status 2=done \
  --decision close --letters
show --as-of 2025-03-17 due
echo
echo "The workspace is in $ws; the mail-out's print file and list are in $ws/mailouts/."
