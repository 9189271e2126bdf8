#!/usr/bin/env bash
# A change's cost on the file path: this checkout's Spillway against another build of it (OLD, e.g. a worktree of
# the commit before the change) and the reference tools, side by side in one hyperfine run per input, so that the
# ratios to nfpcapd, softflowd and ndpiReader can be compared before and after on the same machine state.
#
#   benchmarks/before-after.sh OLD_ROOT [DIR]    (inputs as benchmarks/end-to-end.sh makes them, in DIR)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
OLD="$(cd "${1:?the root of the other build}" && pwd)"
DIR="${2:-/tmp/spillway-bench}"
RUNS="${RUNS:-5}"
for input in flows-1m flows-100k real40; do
    [[ -f "$DIR/$input.pcap" ]] || { echo "missing $DIR/$input.pcap: run benchmarks/end-to-end.sh $DIR first" >&2; exit 1; }
done
"$ROOT/spillway" probe --help >/dev/null
"$OLD/spillway" probe --help >/dev/null

for input in flows-1m flows-100k; do
    hyperfine --runs "$RUNS" --warmup 1 --export-markdown "$DIR/before-after-$input.md" \
        -n before "$OLD/spillway probe -r $DIR/$input.pcap --queues 2 --no-dpi --export json:/dev/null -q" \
        -n after "$ROOT/spillway probe -r $DIR/$input.pcap --queues 2 --no-dpi --export json:/dev/null -q" \
        -n nfpcapd "rm -rf $DIR/nf && mkdir $DIR/nf && nfpcapd -r $DIR/$input.pcap -w $DIR/nf -B 4000000" \
        -n softflowd "softflowd -r $DIR/$input.pcap -n 127.0.0.1:9 -m 2000000 -d -v 9"
done
hyperfine --runs "$RUNS" --warmup 1 --export-markdown "$DIR/before-after-dpi-flows-100k.md" \
    -n before-dpi "$OLD/spillway probe -r $DIR/flows-100k.pcap --queues 2 --export json:/dev/null -q" \
    -n after-dpi "$ROOT/spillway probe -r $DIR/flows-100k.pcap --queues 2 --export json:/dev/null -q" \
    -n ndpiReader "ndpiReader -i $DIR/flows-100k.pcap -q"
hyperfine --runs "$RUNS" --warmup 1 --export-markdown "$DIR/before-after-dpi-real40.md" \
    -n before-dpi "$OLD/spillway probe -r $DIR/real40.pcap --queues 2 --export json:/dev/null -q" \
    -n after-dpi "$ROOT/spillway probe -r $DIR/real40.pcap --queues 2 --export json:/dev/null -q" \
    -n ndpiReader "ndpiReader -i $DIR/real40.pcap -q"
cat "$DIR"/before-after-*.md
