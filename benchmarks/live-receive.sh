#!/usr/bin/env bash
# Live receive: the highest tcpreplay rate into a veth at which each tool loses no packet, side by side in one
# run: Spillway (-i, AF_PACKET TPACKET_V3 fanout) with 1 and 2 workers against tcpdump -w /dev/null (libpcap's
# TPACKET_V3) with DPI off, and against ndpiReader -i (nDPI 4.2 over libpcap) with DPI on; then the thread CPU per
# packet of the live path against the file path on the same packets. Needs root (namespaces, AF_PACKET).
#
#   benchmarks/live-receive.sh [DIR]      (default /tmp/spillway-live; results in DIR/live-receive.md)
#
# The sender and the receivers share the machine's cores: on a 2-core VM tcpreplay takes one, so the figures are
# what each tool keeps up with beside a busy sender, the same for all of them. A rate "holds" when every packet
# sent was received and the tool reports no kernel drop.
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
DIR="${1:-/tmp/spillway-live}"
PCAPS="${SPILLWAY_PCAPS:-$ROOT/../shared/pcaps}"
RATES_SYNTHETIC="${RATES_SYNTHETIC:-50000 100000 150000 200000 250000 300000 350000}"
RATES_REAL="${RATES_REAL:-10000 20000 40000 60000 80000 100000 150000 200000}"
SECONDS_PER_STEP="${SECONDS_PER_STEP:-4}"
NS_CAPTURE=spwbench-capture
NS_SEND=spwbench-send
mkdir -p "$DIR"

for tool in tcpreplay tcpdump ndpiReader mergecap capinfos python3; do
    command -v "$tool" >/dev/null || { echo "missing $tool: apt-get install tcpreplay tcpdump libndpi-bin tshark" >&2; exit 1; }
done
[[ $(id -u) -eq 0 ]] || { echo "needs root: network namespaces and AF_PACKET" >&2; exit 1; }

cleanup() {
    ip netns pids "$NS_CAPTURE" 2>/dev/null | xargs -r kill -9 2>/dev/null || true
    ip netns del "$NS_CAPTURE" 2>/dev/null || true
    ip netns del "$NS_SEND" 2>/dev/null || true
}
trap cleanup EXIT
cleanup
ip netns add "$NS_CAPTURE"
ip netns add "$NS_SEND"
ip link add va netns "$NS_CAPTURE" type veth peer name vb netns "$NS_SEND"
for ns in "$NS_CAPTURE" "$NS_SEND"; do
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.disable_ipv6=1
done
ip -n "$NS_CAPTURE" link set va up
ip -n "$NS_SEND" link set vb up

# Inputs: 64-byte frames of 10,000 flows with random payload (the packet rate at its worst), and real traffic (the
# shared Ethernet captures, 40 address-shifted copies) for DPI.
[[ -f "$DIR/synthetic.pcap" ]] || "$ROOT/spillway" testbed generate --out "$DIR/synthetic.pcap" --packets 2000000 \
    --active-flows 10000 --new-flows-per-sec 1000 --packet-size 64 --rate 1000000 --seed 3 >&2
if [[ ! -f "$DIR/real40.pcap" ]]; then
    ethernet=()
    for f in "$PCAPS"/*.pcap "$PCAPS"/*.pcapng "$PCAPS"/*.cap; do
        [[ "$(capinfos -T -E "$f" 2>/dev/null | tail -1 | cut -f2)" == ether ]] && ethernet+=("$f")
    done
    mergecap -a -F pcap -w "$DIR/real.pcap" "${ethernet[@]}"
    python3 "$ROOT/benchmarks/replicate-pcap.py" "$DIR/real.pcap" "$DIR/real40.pcap" 40
fi
"$ROOT/spillway" probe --help >/dev/null   # builds if needed, outside the measurements

# Starts a receiver in the capture namespace, waits until it listens, replays, stops it with SIGINT; prints
# "sent received dropped".
run_step() {
    local tool="$1" rate="$2" file="$3" packets="$4" out="$DIR/step.out"
    rm -f "$out"
    case "$tool" in
        spillway-1|spillway-2|spillway-dpi-1|spillway-dpi-2)
            local queues="${tool##*-}" dpi=(--no-dpi)
            [[ "$tool" == spillway-dpi-* ]] && dpi=()
            ip netns exec "$NS_CAPTURE" "$ROOT/spillway" probe -i va --queues "$queues" "${dpi[@]}" \
                --export json:/dev/null -q > "$out" 2>&1 &
            wait_for "$out" "capturing on va" ;;
        tcpdump)
            ip netns exec "$NS_CAPTURE" tcpdump -i va -n -w /dev/null > "$out" 2>&1 &
            wait_for "$out" "listening on va" ;;
        ndpiReader)
            ip netns exec "$NS_CAPTURE" ndpiReader -i va -s 3600 > "$out" 2>&1 &
            wait_for "$out" "Running thread" ;;
    esac
    local receiver=$!
    sleep 0.5
    local sent
    sent=$(ip netns exec "$NS_SEND" tcpreplay -i vb --pps "$rate" --limit "$packets" "$file" 2>&1 |
        sed -n 's/^Actual: \([0-9]*\) packets.*/\1/p')
    sleep 1
    kill -INT "$receiver" 2>/dev/null || true
    wait "$receiver" 2>/dev/null || true
    local received dropped
    case "$tool" in
        spillway*)
            received=$(sed -n 's/^spillway: \([0-9,]*\) packets.*/\1/p' "$out" | tr -d ,)
            dropped=$(sed -n 's/.* \([0-9,]*\) dropped by the kernel.*/\1/p' "$out" | tr -d ,) ;;
        tcpdump)
            received=$(sed -n 's/^\([0-9]*\) packets captured/\1/p' "$out")
            dropped=$(sed -n 's/^\([0-9]*\) packets dropped by kernel/\1/p' "$out") ;;
        ndpiReader)
            received=$(sed -n 's/.*IP packets: *[0-9]* *of \([0-9]*\) packets total.*/\1/p' "$out")
            dropped=0 ;;
    esac
    echo "${sent:-0} ${received:-0} ${dropped:-0}"
}

wait_for() {
    local file="$1" text="$2"
    for _ in $(seq 1 300); do
        grep -q "$text" "$file" 2>/dev/null && return 0
        sleep 0.1
    done
    echo "receiver did not start: $(cat "$file")" >&2
    return 1
}

# The highest rate of the ladder that holds, and the steps on the way.
ladder() {
    local tool="$1" file="$2" rates="$3" held=0
    for rate in $rates; do
        local packets=$(( rate * SECONDS_PER_STEP ))
        read -r sent received dropped < <(run_step "$tool" "$rate" "$file" "$packets")
        echo "| $tool | $rate | $sent | $received | $dropped |" >> "$DIR/steps.md"
        if [[ "$sent" -gt 0 && "$received" -ge "$sent" && "$dropped" -eq 0 ]]; then
            held=$rate
        else
            break
        fi
    done
    echo "$held"
}

echo "| tool | rate (pps) | sent | received | kernel drops |" > "$DIR/steps.md"
echo "|---|---|---|---|---|" >> "$DIR/steps.md"
{
    echo "| receiver | traffic | highest rate without loss (pps) |"
    echo "|---|---|---|"
    for tool in tcpdump spillway-1 spillway-2; do
        echo "| $tool | 64-byte frames, 10K flows | $(ladder "$tool" "$DIR/synthetic.pcap" "$RATES_SYNTHETIC") |"
    done
    for tool in ndpiReader spillway-dpi-1 spillway-dpi-2; do
        echo "| $tool | real captures x40 | $(ladder "$tool" "$DIR/real40.pcap" "$RATES_REAL") |"
    done
} > "$DIR/live-receive.md"

# Thread CPU per packet: the same 1M packets live (replayed at a rate every receiver held) and from the file.
cpu_per_packet() {
    # The summary's cpu line: device (dispatcher) and workers; per packet read.
    python3 - "$1" <<'EOF'
import re, sys
text = open(sys.argv[1]).read()
packets = int(re.search(r'^spillway: ([\d,]+) packets', text, re.M).group(1).replace(',', ''))
cpu = re.search(r'cpu +device ([\d.]+) s((?:, q\d+ [\d.]+ s)+)', text)
device = float(cpu.group(1))
workers = sum(float(x) for x in re.findall(r'q\d+ ([\d.]+) s', cpu.group(2)))
print(f"{packets} {device * 1e9 / packets:.0f} {workers * 1e9 / packets:.0f}")
EOF
}
python3 - "$DIR/synthetic.pcap" "$DIR/synthetic-1m.pcap" <<'EOF'
import sys
with open(sys.argv[1], 'rb') as src, open(sys.argv[2], 'wb') as dst:
    dst.write(src.read(24))
    for _ in range(1000000):
        header = src.read(16)
        length = int.from_bytes(header[8:12], 'little')
        dst.write(header + src.read(length))
EOF
{
    echo
    echo "| path | packets | device thread ns/packet | worker threads ns/packet |"
    echo "|---|---|---|---|"
    for queues in 1 2; do
        ip netns exec "$NS_CAPTURE" "$ROOT/spillway" probe -i va --queues "$queues" --no-dpi --export json:/dev/null \
            -q > "$DIR/cpu-live.out" 2>&1 &
        receiver=$!
        wait_for "$DIR/cpu-live.out" "capturing on va"
        sleep 0.5
        ip netns exec "$NS_SEND" tcpreplay -i vb --pps 100000 "$DIR/synthetic-1m.pcap" >/dev/null 2>&1
        sleep 1
        kill -INT "$receiver"; wait "$receiver" || true
        read -r packets device workers < <(cpu_per_packet "$DIR/cpu-live.out")
        echo "| live, $queues worker(s), 100K pps | $packets | $device | $workers |"
        "$ROOT/spillway" probe -r "$DIR/synthetic-1m.pcap" --queues "$queues" --no-dpi --export json:/dev/null -q \
            2> "$DIR/cpu-file.out"
        read -r packets device workers < <(cpu_per_packet "$DIR/cpu-file.out")
        echo "| file, $queues worker(s) | $packets | $device | $workers |"
    done
} >> "$DIR/live-receive.md"

cat "$DIR/live-receive.md"
echo
cat "$DIR/steps.md"
