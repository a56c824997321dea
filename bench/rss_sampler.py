"""Samples the memory of one server — a process and all its descendants (gunicorn's master and
workers; txmail serve is one process) — every INTERVAL seconds for SECONDS, then prints one line:
rss_peak_kb=N rss_median_kb=N pss_median_kb=N processes=N samples=N

RSS is summed over the processes, so pages that forked workers share are counted once per worker
(what `ps` and most dashboards show); PSS splits each shared page between its sharers, so its sum
is the memory the server really takes. A process that ends between two reads is skipped.

Usage: /usr/bin/python3 bench/rss_sampler.py --pid PID --seconds S [--interval 0.2]
"""

import argparse
import os
import statistics
import time


def tree(root):
    """root and its descendants, from each process's parent in /proc/PID/stat."""
    children = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                # The command name (2nd field) may hold spaces: the parent comes after its ')'.
                parent = int(f.read().rsplit(")", 1)[1].split()[1])
        except (OSError, IndexError, ValueError):
            continue
        children.setdefault(parent, []).append(int(entry))
    found, pending = [], [root]
    while pending:
        pid = pending.pop()
        found.append(pid)
        pending.extend(children.get(pid, []))
    return found


def field_kb(path, name):
    with open(path) as f:
        for line in f:
            if line.startswith(name):
                return int(line.split()[1])
    return 0


def sample(root):
    rss = pss = count = 0
    for pid in tree(root):
        try:
            rss += field_kb(f"/proc/{pid}/status", "VmRSS:")
            pss += field_kb(f"/proc/{pid}/smaps_rollup", "Pss:")
            count += 1
        except OSError:
            continue
    return rss, pss, count


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--pid", type=int, required=True)
    parser.add_argument("--seconds", type=float, required=True)
    parser.add_argument("--interval", type=float, default=0.2)
    args = parser.parse_args()

    samples = []
    end = time.monotonic() + args.seconds
    while True:
        samples.append(sample(args.pid))
        if time.monotonic() + args.interval > end:
            break
        time.sleep(args.interval)  # the sampling period, not a synchronisation
    print(f"rss_peak_kb={max(s[0] for s in samples)} "
          f"rss_median_kb={int(statistics.median(s[0] for s in samples))} "
          f"pss_median_kb={int(statistics.median(s[1] for s in samples))} "
          f"processes={max(s[2] for s in samples)} samples={len(samples)}")


if __name__ == "__main__":
    main()
