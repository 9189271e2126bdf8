#!/usr/bin/env python3
"""Host CPU per packet with flow offload on and off, on the same generated captures.

Runs ./spillway probe through the emulated SmartNIC (--nic emulated) with and without
--offload emulated, DPI on and off, and reads the per-thread CPU times from the run summary.
Thread CPU time, not wall time, so a busy machine changes the figures less; each cell is run
RUNS times and the median is reported.

    benchmarks/offload-cpu.py DIR [RUNS]     (DIR holds flows-10k.pcap and flows-1m.pcap,
                                              written by benchmarks/end-to-end.sh or by hand)
"""
import re
import statistics
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CPU = re.compile(r"^\s*cpu\s+(.*)$", re.M)
THREAD = re.compile(r"(capture|q\d+|offload|export) ([0-9.]+) s")
PACKETS = re.compile(r"spillway: ([0-9,]+) packets .* in ([0-9.]+) s")
HOST = re.compile(r"counted\s+host ([0-9,]+) packets")
LEARNED = re.compile(r"learned ([0-9,]+)")
TABLE_FULL = re.compile(r"table full ([0-9,]+)")
RATE_LIMITED = re.compile(r"failed [0-9,]+ \(rate ([0-9,]+)")


def number(text):
    return int(text.replace(",", ""))


def run(capture, dpi, offload, extra):
    # A 4M-flow table holds every flow of both captures, as the NT200A02's 140M would; the 1M
    # default is small so that tests can fill it.
    args = [str(ROOT / "spillway"), "probe", "-r", str(capture), "--queues", "2", "--nic", "emulated",
            "--nic-flows", "4M", "--export", "json:/dev/null", "-q"] + extra
    if not dpi:
        args.append("--no-dpi")
    if offload:
        args += ["--offload", "emulated"]
    summary = subprocess.run(args, capture_output=True, text=True, check=True).stderr
    threads = {name: float(seconds) for name, seconds in THREAD.findall(CPU.search(summary).group(1))}
    packets_match = PACKETS.search(summary)
    host = HOST.search(summary)
    learned = LEARNED.search(summary)
    return {
        "packets": number(packets_match.group(1)),
        "wall": float(packets_match.group(2)),
        "workers": sum(v for k, v in threads.items() if k.startswith("q")),
        "capture": threads["capture"],
        "offload": threads.get("offload", 0.0),
        "host": number(host.group(1)) if host else number(packets_match.group(1)),
        "learned": number(learned.group(1)) if learned and offload else 0,
        "table_full": number(TABLE_FULL.search(summary).group(1)) if offload else 0,
        "rate_limited": number(RATE_LIMITED.search(summary).group(1)) if offload else 0,
    }


def median_cell(capture, dpi, offload, runs, extra=()):
    samples = [run(capture, dpi, offload, list(extra)) for _ in range(runs)]
    return {key: statistics.median(s[key] for s in samples) for key in samples[0]}


def main():
    directory = Path(sys.argv[1])
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 3
    print("| capture | DPI | offload | packets to host | worker CPU ns/pkt | capture ns/pkt "
          "| offload thread CPU s | learned | refused: table full, rate | wall s |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    for name in ("flows-10k", "flows-1m"):
        capture = directory / (name + ".pcap")
        for dpi in (False, True):
            for offload in (False, True):
                c = median_cell(capture, dpi, offload, runs)
                print(f"| {name} | {'on' if dpi else 'off'} | {'on' if offload else 'off'} "
                      f"| {100.0 * c['host'] / c['packets']:.1f}% "
                      f"| {1e9 * c['workers'] / c['packets']:.0f} | {1e9 * c['capture'] / c['packets']:.0f} "
                      f"| {c['offload']:.2f} | {c['learned']:,.0f} "
                      f"| {c['table_full']:,.0f}, {c['rate_limited']:,.0f} | {c['wall']:.2f} |", flush=True)

    # The offload thread's own ceiling: every flow of the 1M capture is offloaded after its first
    # packet and given back at the end, with the emulated card's programming cost set to zero, its
    # learning rate unlimited and a table that never fills. The thread's CPU time then holds its own
    # work, the emulated device's table operations (a real card does those in hardware) and its idle
    # polling, so the rate below is a lower bound.
    capture = directory / "flows-1m.pcap"
    c = median_cell(capture, False, True, runs, ("--nic-programming-cost", "0", "--nic-learn-rate", "1000000000"))
    print()
    print(f"offload thread, programming cost 0: {c['learned']:,.0f} learns (+ as many unlearns) in "
          f"{c['offload']:.2f} s of its CPU ({c['wall']:.2f} s wall): at least "
          f"{2 * c['learned'] / c['offload']:,.0f} rule operations per CPU second")


if __name__ == "__main__":
    main()
