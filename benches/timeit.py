#!/usr/bin/env python3
"""timeit.py - run a command several times: median wall seconds and peak memory (stdlib only).

    python3 benches/timeit.py [--runs 5] [--label NAME] [--csv results.csv] -- COMMAND [ARGS...]

Each run is a fresh process. Wall time is measured here; peak resident memory comes from
`/usr/bin/time -f %M` (GNU time; the largest process of the run, in KiB), or from the kernel's
rusage of the child when /usr/bin/time is missing. stdout goes to /dev/null; stderr is shown for
the last run only. A run that fails stops everything (exit status 1).
With --csv the summary row is appended: label, runs, median_s, min_s, max_s, peak_rss_mib, command.
"""
import argparse
import os
import shlex
import statistics
import subprocess
import sys
import tempfile
import time

GNU_TIME = "/usr/bin/time"


def run_once(cmd, show_stderr):
    with tempfile.NamedTemporaryFile("r", suffix=".rss") as rss_file:
        wrapped = [GNU_TIME, "-f", "%M", "-o", rss_file.name, *cmd] if os.access(GNU_TIME, os.X_OK) else cmd
        t0 = time.perf_counter()
        proc = subprocess.Popen(wrapped, stdout=subprocess.DEVNULL,
                                stderr=None if show_stderr else subprocess.DEVNULL)
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - t0
        rc = os.waitstatus_to_exitcode(status)
        kib = usage.ru_maxrss
        if wrapped is not cmd:
            lines = [ln for ln in rss_file.read().splitlines() if ln.strip().isdigit()]
            if lines:
                kib = int(lines[-1])
    return wall, kib / 1024.0, rc


def main(argv=None):
    argv = sys.argv[1:] if argv is None else argv
    if "--" not in argv:
        sys.exit("usage: timeit.py [options] -- COMMAND [ARGS...]")
    k = argv.index("--")
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("--runs", type=int, default=5)
    p.add_argument("--label", default="")
    p.add_argument("--csv", help="append the summary row to this CSV file")
    a = p.parse_args(argv[:k])
    cmd = argv[k + 1:]
    if not cmd:
        sys.exit("timeit.py: no command after --")
    walls, rss = [], []
    for i in range(a.runs):
        wall, peak, rc = run_once(cmd, i == a.runs - 1)
        if rc != 0:
            print(f"timeit.py: command failed with status {rc}: {shlex.join(cmd)}", file=sys.stderr)
            return 1
        walls.append(wall)
        rss.append(peak)
    med = statistics.median(walls)
    label = a.label or os.path.basename(cmd[0])
    print(f"  {label}: median {med:.3f} s (min {min(walls):.3f}, max {max(walls):.3f}) over {a.runs} runs; "
          f"peak {max(rss):.0f} MiB", file=sys.stderr)
    if a.csv:
        new = not os.path.exists(a.csv)
        with open(a.csv, "a", encoding="utf-8") as f:
            if new:
                f.write("label,runs,median_s,min_s,max_s,peak_rss_mib,command\n")
            f.write(f'{label},{a.runs},{med:.3f},{min(walls):.3f},{max(walls):.3f},{max(rss):.0f},'
                    f'"{shlex.join(cmd).replace(chr(34), chr(34) * 2)}"\n')
    return 0


if __name__ == "__main__":
    sys.exit(main())
