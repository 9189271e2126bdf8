#!/usr/bin/env bash
# End-to-end throughput of Spillway against the reference tools on the same files, side by side
# (hyperfine, medians of several runs). Results go to DIR/*.md and DIR/*.json; copy the figures
# into docs/benchmarks.md with the machine's description.
#
#   benchmarks/end-to-end.sh [DIR]        (default /tmp/spillway-bench; needs about 4 GB of disk)
#
# Inputs (generated once, deterministic): 20M packets of 64 bytes at 10 Mpps, random payload,
# 1M active flows (100K new/s) and 100K active flows (10K new/s); the shared real Ethernet
# captures concatenated, and 40 copies of them with distinct addresses (replicate-pcap.py), long
# enough to measure DPI on real traffic in steady state.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-/tmp/spillway-bench}"
RUNS="${RUNS:-3}"
PCAPS="${SPILLWAY_PCAPS:-$ROOT/../shared/pcaps}"
mkdir -p "$DIR"

for tool in hyperfine nfpcapd softflowd ndpiReader mergecap capinfos; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install hyperfine nfdump softflowd libndpi-bin tshark" >&2; exit 1; }
done

generate() {
    local out="$1" flows="$2" new="$3" seed="$4"
    [[ -f "$out" ]] || "$ROOT/spillway" testbed generate --out "$out" --packets 20000000 --active-flows "$flows" \
        --new-flows-per-sec "$new" --packet-size 64 --rate 10000000 --seed "$seed" >&2
}
generate "$DIR/flows-1m.pcap" 1000000 100000 1
generate "$DIR/flows-100k.pcap" 100000 10000 2
if [[ ! -f "$DIR/real.pcap" ]]; then
    ethernet=()
    for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng "$PCAPS"/*.cap; do
        [[ "$(capinfos -T -E "$f" 2>/dev/null | tail -1 | cut -f2)" == ether ]] && ethernet+=("$f")
    done
    mergecap -a -F pcap -w "$DIR/real.pcap" "${ethernet[@]}"
fi
[[ -f "$DIR/real40.pcap" ]] || python3 "$ROOT/benchmarks/replicate-pcap.py" "$DIR/real.pcap" "$DIR/real40.pcap" 40
"$ROOT/spillway" probe --help >/dev/null   # builds if needed, outside the timings

# DPI off: flow accounting alone, 2 worker queues, records written as JSON to /dev/null.
for input in flows-1m flows-100k; do
    hyperfine --runs "$RUNS" --warmup 1 --export-markdown "$DIR/$input.md" --export-json "$DIR/$input.json" \
        -n spillway "$ROOT/spillway probe -r $DIR/$input.pcap --queues 2 --no-dpi --export json:/dev/null -q" \
        -n nfpcapd "rm -rf $DIR/nf && mkdir $DIR/nf && nfpcapd -r $DIR/$input.pcap -w $DIR/nf -B 4000000" \
        -n softflowd "softflowd -r $DIR/$input.pcap -n 127.0.0.1:9 -m 2000000 -d -v 9"
done

# DPI on: the worst case (random payload: every flow inspected to its packet budget), against
# ndpiReader built on the same nDPI 4.2.
hyperfine --runs "$RUNS" --warmup 1 --export-markdown "$DIR/dpi-flows-100k.md" --export-json "$DIR/dpi-flows-100k.json" \
    -n spillway-dpi "$ROOT/spillway probe -r $DIR/flows-100k.pcap --queues 2 --export json:/dev/null -q" \
    -n ndpiReader "ndpiReader -i $DIR/flows-100k.pcap -q"

# Real traffic, 40 address-shifted copies of the shared captures (1.09M packets).
hyperfine --runs "$RUNS" --warmup 1 --export-markdown "$DIR/dpi-real40.md" --export-json "$DIR/dpi-real40.json" \
    -n spillway-dpi "$ROOT/spillway probe -r $DIR/real40.pcap --queues 2 --export json:/dev/null -q" \
    -n ndpiReader "ndpiReader -i $DIR/real40.pcap -q"

# The real captures once (27K packets) are too small for wall-clock times: compare the rates the
# tools report for their own processing (JVM start-up and nDPI module set-up excluded).
"$ROOT/spillway" probe -r "$DIR/real.pcap" --queues 2 --export json:/dev/null -q 2> "$DIR/real-spillway.txt"
ndpiReader -i "$DIR/real.pcap" > "$DIR/real-ndpiReader.txt" 2>&1 || true
grep -h "packets/s" "$DIR/real-spillway.txt"
grep -h "nDPI throughput" "$DIR/real-ndpiReader.txt"
cat "$DIR"/*.md
