#!/bin/sh
# Render the HTML report and a pupil page of the bundled example in a real browser, to look at.
#
#   scripts/check-html.sh [OUT]      (default: ./target/html-check; replaced on each run)
#
# Builds attend, makes a workspace from the bundled example (as scripts/example.sh does), writes
# OUT/report.html and OUT/pupil.html, then has headless Chromium print each to PDF on A4
# (OUT/*.pdf) and take a screenshot (OUT/*-screen.png); pdftoppm turns every PDF page into a PNG
# (OUT/report-1.png, OUT/report-2.png...) to be looked at: charts visible, nothing cut at the
# page edge, text readable. It also checks what a script can: the pages name no web address and
# hold no script, and every printed page is A4.
#
# Needs Debian's `chromium` and `poppler-utils`; without Chromium the browser part is skipped
# with a message (the pages are still written and checked).
set -eu
cd "$(dirname "$0")/.."
out=${1:-target/html-check}
cargo build --release --locked --quiet
attend=${CARGO_TARGET_DIR:-target}/release/attend
rm -rf "$out"
mkdir -p "$out"
out=$(cd "$out" && pwd)
ws="$out/workspace"
$attend init "$ws" --quiet
cp examples/attend.yaml "$ws/attend.yaml"
$attend --dir "$ws" import examples/riverside-wide.csv --quiet
$attend --dir "$ws" report --html "$out/report.html" > /dev/null
# the pupil with the lowest attendance: the fullest heat-map
upn=$($attend --dir "$ws" flag --format csv | sed -n 2p | cut -d, -f1)
$attend --dir "$ws" pupil "$upn" --html "$out/pupil.html" > /dev/null

fail=0
for page in report pupil; do
    f="$out/$page.html"
    if grep -qi '<script\|https\?://\|<link\|<img\|url(' "$f"; then
        echo "FAIL: $f refers to something outside the page or holds a script" >&2
        fail=1
    fi
    grep -q '<svg ' "$f" || { echo "FAIL: $f has no chart" >&2; fail=1; }
done

chromium=$(command -v chromium || command -v chromium-browser || command -v google-chrome || true)
if [ -z "$chromium" ]; then
    echo "SKIPPED: no Chromium here (Debian: apt-get install chromium poppler-utils)."
    echo "The pages are in $out; open them in a browser."
    exit $fail
fi

render() {
    # a private profile each time, and no header/footer (date, file path) on the printed pages
    "$chromium" --headless --no-sandbox --disable-gpu --hide-scrollbars \
        --user-data-dir="$out/.profile" --no-pdf-header-footer "$@" 2> "$out/chromium.log" \
        || { cat "$out/chromium.log" >&2; return 1; }
}

for page in report pupil; do
    # 794 px is A4's width at 96 px/inch: the screen shows what the paper shows
    render --window-size=794,3200 --screenshot="$out/$page-screen.png" "file://$out/$page.html"
    render --print-to-pdf="$out/$page.pdf" "file://$out/$page.html"
    if command -v pdfinfo > /dev/null; then
        pages=$(pdfinfo "$out/$page.pdf" | sed -n 's/^Pages: *//p')
        size=$(pdfinfo "$out/$page.pdf" | sed -n 's/^Page size: *//p')
        echo "$page.pdf: $pages page(s), $size"
        # A4 portrait is 595 x 842 points (pdfinfo adds "(A4)")
        case $size in
            59[45]*" x "84[12]*) ;;
            *) echo "FAIL: $page.pdf is not A4 portrait ($size)" >&2; fail=1 ;;
        esac
    fi
    if command -v pdftoppm > /dev/null; then
        pdftoppm -png -r 80 "$out/$page.pdf" "$out/$page"
    else
        echo "pdftoppm not found (Debian: poppler-utils): the PDF pages are not turned into PNGs."
    fi
done
rm -rf "$out/.profile"
echo "Look at the pages: $(cd "$out" && ls *.png | tr '\n' ' ')(in $out)"
exit $fail
