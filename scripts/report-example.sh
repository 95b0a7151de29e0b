#!/bin/sh
# The whole-school report of the bundled example as an HTML page, and one pupil's page for a meeting.
#
#   scripts/report-example.sh [FOLDER]     (default: ./example-workspace; an existing one is replaced)
#
# Writes FOLDER/report.html and FOLDER/pupil.html (open them in a browser; they print on A4).
set -eu
cd "$(dirname "$0")/.."
ws=${1:-example-workspace}
cargo build --release --locked --quiet
attend=target/release/attend
rm -rf "$ws"
$attend init "$ws" --quiet
cp examples/attend.yaml "$ws/attend.yaml"
$attend --dir "$ws" import examples/riverside-wide.csv --quiet
$attend --dir "$ws" report --html "$ws/report.html"
# the pupil with the lowest attendance
upn=$($attend --dir "$ws" flag --format csv | sed -n 2p | cut -d, -f1)
$attend --dir "$ws" pupil "$upn" --html "$ws/pupil.html" > /dev/null
echo "Open $ws/report.html and $ws/pupil.html in a browser."
