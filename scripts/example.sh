#!/bin/sh
# Build attend and run it on the bundled example: a fresh workspace for the fictional Riverside
# Academy, its register export and its contacts export (parents and carers) imported, and the
# pupils at or below 90% attendance listed, with their brothers and sisters at the school.
#
#   scripts/example.sh [FOLDER]      (default: ./example-workspace; an existing one is replaced)
set -eu
cd "$(dirname "$0")/.."
ws=${1:-example-workspace}
cargo build --release --locked --quiet
attend=target/release/attend
rm -rf "$ws"
$attend init "$ws" --quiet
cp examples/attend.yaml "$ws/attend.yaml"
$attend --dir "$ws" import examples/riverside-wide.csv examples/riverside-contacts.csv
echo
$attend --dir "$ws" flag --threshold 90
echo
echo "The workspace is in $ws. Try: $attend --dir $ws pupil <UPN>   (a UPN from the table above)"
echo "     or: $attend --dir $ws family \"Lily Parker\"   (a pupil's family: a name works wherever a UPN does)"
