#!/bin/sh
# Render every built-in document for the bundled fictional cases, and turn each PDF into PNG
# pages to look at: letterhead, no clipped tables, sensible page breaks, nothing that reads as a
# template artefact. The text of each PDF is also checked for artefacts ({{, {%, None, null,
# undefined, NaN), and its typst source (written beside it with --source) for headings with
# nothing under them.
#
#   scripts/render-documents.sh [FOLDER]   (default: target/documents; an existing one is replaced)
#
# The workspace it builds: the letterhead of tests/fixtures/documents/attend.yaml (the fictional
# Townley Academy), the register the example case was made from (tests/fixtures/cases/register.csv),
# the example case cases/C815381816030 (Mason Lee: two plans, a review), and
# tests/fixtures/documents/K815375514034.yaml (Oliver Mitchell: severe absence, escalated to a
# Notice to Improve) and tests/fixtures/documents/L815363715050.yaml (Ellie Russell: a plan closed
# with its target met). Needs pdftoppm and pdftotext (Debian: poppler-utils).
# ATTEND=path/to/attend uses that binary instead of building one.
set -eu
cd "$(dirname "$0")/.."
out=${1:-target/documents}
if [ -z "${ATTEND:-}" ]; then
  cargo build --release --locked --quiet
  ATTEND=${CARGO_TARGET_DIR:-target}/release/attend
fi
for tool in pdftoppm pdftotext; do
  command -v $tool >/dev/null 2>&1 || { echo "needs $tool (apt-get install poppler-utils)" >&2; exit 1; }
done
rm -rf "$out"
ws="$out/workspace"
export ATTEND_USER="Priya Shah"
$ATTEND init "$ws" --quiet
cp tests/fixtures/documents/attend.yaml "$ws/attend.yaml"
$ATTEND --dir "$ws" --quiet import tests/fixtures/cases/register.csv
cp -r cases/C815381816030 "$ws/cases/"
mkdir -p "$ws/cases/K815375514034"
cp tests/fixtures/documents/K815375514034.yaml "$ws/cases/K815375514034/case.yaml"
mkdir -p "$ws/cases/L815363715050"
cp tests/fixtures/documents/L815363715050.yaml "$ws/cases/L815363715050/case.yaml"

a() { $ATTEND --dir "$ws" --as-of 2025-02-24 --quiet "$@" --source; }
a letter concern-letter C815381816030
a letter invitation C815381816030 --date 2025-03-03 --time 9:30 --place "Meeting room 2, Townley Academy" \
  --minutes 30 --attendee "Priya Shah|Attendance Officer" --attendee "Tom Reid|Head of Year 8"
a letter plan C815381816030 --plan 1
a letter plan-letter C815381816030 --time 15:30 --place "Meeting room 2, Townley Academy"
a letter review C815381816030
a certificate C815381816030
a letter referral C815381816030
a letter notice-to-improve K815375514034 --weeks 6 \
  --support "A weekly meeting with Tom Reid, Head of Year 10, to plan Oliver's week and catch up on missed work" \
  --support "An early help assessment with the family, with Townley Council's Early Help team"
a letter plan-letter K815375514034
a letter review-invitation C815381816030 --time 15:30 --place "Meeting room 2, Townley Academy" \
  --attendee "Priya Shah|Attendance Officer" --attendee "Tom Reid|Head of Year 8"
a letter rearranged C815381816030 --date 2025-03-05 --time 9:00 --place "Meeting room 2, Townley Academy"
a letter target-met L815363715050
a certificate K815375514034 --from 2024-09-02 --to 2024-12-20

status=0
for pdf in "$ws"/cases/*/documents/*.pdf; do
  name=$(basename "$(dirname "$(dirname "$pdf")")")-$(basename "$pdf" .pdf)
  pdftoppm -r 80 -png "$pdf" "$out/$name"
  text=$(pdftotext -layout "$pdf" -)
  pages=$(ls "$out/$name"-*.png | wc -l)
  echo "$name: $pages page(s)"
  if printf '%s' "$text" | grep -n -E '\{\{|\{%|\bNone\b|\bnull\b|\bundefined\b|\bNaN\b' >&2; then
    echo "  ^ template artefact in $pdf" >&2
    status=1
  fi
  # a heading followed by nothing, or by a heading of the same or a higher level
  awk '
    function level(s,  t, n) {
      t = s; sub(/^[ \t]+/, "", t)
      if (!match(t, /^=+/)) return 0
      n = RLENGTH
      return (length(t) == n || substr(t, n + 1, 1) ~ /[ \t]/) ? n : 0
    }
    { line[NR] = $0 }
    END {
      for (i = 1; i <= NR; i++) {
        n = level(line[i]); if (!n) continue
        title = line[i]; sub(/^[ \t]*=+[ \t]*/, "", title)
        for (j = i + 1; j <= NR; j++) { s = line[j]; gsub(/^[ \t]+|[ \t]+$/, "", s); if (s != "") break }
        if (title == "" || j > NR || s == "]" || index(s, "#metadata(\"part-end\")") == 1 || (level(s) && level(s) <= n)) {
          printf "%s: line %d: the heading \"%s\" has nothing under it\n", FILENAME, i, title
          bad = 1
        }
      }
      exit bad
    }' "${pdf%.pdf}.typ" >&2 || status=1
done
echo "PNG pages in $out (look at each one)."
exit $status
