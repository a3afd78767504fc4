#!/usr/bin/env bash
# Issue 21's benchmark: a near-workspaces suite of 30+ tests (tui/tests/workspaces_suite/, each
# test its own sandbox, `cargo test`'s parallel threads) run on nearviz's release `near-sandbox`,
# and again on neard when NEARD names one. Builds nothing: it runs the suite's test binary with
# NEAR_SANDBOX_BIN_PATH set, RUNS times per sandbox, and reports the wall time and the peak RSS
# (sampled from /proc every 10 ms: all sandboxes of the run together, the largest single one, and
# the test harness). Results: tui/benches/README.md ("near-workspaces suite").
#
#   CARGO_TARGET_DIR=T cargo build --release -p nearviz --bins
#   CARGO_TARGET_DIR=T cargo test --release -p nearviz --test workspaces_suite --no-run
#       # prints "Executable tests/workspaces_suite/main.rs (T/release/deps/workspaces_suite-HASH)"
#   bash tui/benches/workspaces_suite.sh T/release/deps/workspaces_suite-HASH [T/release/near-sandbox]
#   NEARD=/path/to/neard bash tui/benches/workspaces_suite.sh ...     # the same suite on neard too
#   THREADS=8 bash tui/benches/workspaces_suite.sh ...   # --test-threads 8 (default: one per core)
set -euo pipefail

suite=${1:?usage: workspaces_suite.sh SUITE_TEST_BINARY [NEAR_SANDBOX]}
sandbox=${2:-${CARGO_TARGET_DIR:-target}/release/near-sandbox}
[ -x "$suite" ] || { echo "no suite test binary at $suite (cargo test --release -p nearviz --test workspaces_suite --no-run)" >&2; exit 2; }
[ -x "$sandbox" ] || { echo "no near-sandbox binary at $sandbox (cargo build --release -p nearviz --bins)" >&2; exit 2; }
if [ -n "${NEARD:-}" ] && [ ! -x "$NEARD" ]; then echo "NEARD=$NEARD is not an executable" >&2; exit 2; fi
exec python3 - "$suite" "$sandbox" "${NEARD:-}" "${RUNS:-3}" "${THREADS:-}" <<'PY'
import os, re, statistics, subprocess, sys, tempfile, time

suite, nearviz, neard, runs, threads = sys.argv[1], sys.argv[2], sys.argv[3], int(sys.argv[4]), sys.argv[5]
harness_args = [suite] + (["--test-threads", threads] if threads else [])

def rss_kib(pid):
    try:
        with open(f"/proc/{pid}/status") as f:
            return next((int(l.split()[1]) for l in f if l.startswith("VmRSS")), 0)
    except OSError:
        return 0

def children(pid):
    """Every live descendant of pid (the sandboxes the suite's launcher spawned)."""
    parents = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
            except (OSError, IndexError, ValueError):
                continue
            parents.setdefault(ppid, []).append(int(entry))
    found, todo = [], [pid]
    while todo:
        for child in parents.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found

def one_run(bin_path):
    env = dict(os.environ, NEAR_SANDBOX_BIN_PATH=bin_path)
    t0 = time.perf_counter()
    log = tempfile.TemporaryFile(mode="w+")
    harness = subprocess.Popen(harness_args, env=env, stdout=log, stderr=subprocess.STDOUT)
    peak_total = peak_single = peak_harness = 0
    seen, most_at_once = set(), 0
    while harness.poll() is None:
        kids = children(harness.pid)
        sizes = [rss_kib(k) for k in kids]
        seen.update(kids)
        most_at_once = max(most_at_once, sum(1 for s in sizes if s))
        peak_total = max(peak_total, sum(sizes))
        peak_single = max([peak_single] + sizes)
        peak_harness = max(peak_harness, rss_kib(harness.pid))
        time.sleep(0.01)
    wall = time.perf_counter() - t0
    log.seek(0)
    out = log.read()
    summary = re.findall(r"test result: .*", out)
    if harness.returncode != 0 or not summary:
        sys.stdout.write(out)
        sys.exit(f"the suite failed on {bin_path} (exit {harness.returncode})")
    return wall, peak_total / 1024, peak_single / 1024, peak_harness / 1024, len(seen), most_at_once, summary[-1]

def bench(name, bin_path):
    print(f"== {name}: {bin_path}")
    rows = []
    for i in range(runs):
        row = one_run(bin_path)
        rows.append(row)
        print(f"run {i + 1}: wall {row[0]:.2f} s; peak RSS: sandboxes together {row[1]:.1f} MiB, "
              f"largest sandbox {row[2]:.1f} MiB, harness {row[3]:.1f} MiB; {row[4]} sandbox "
              f"processes seen, {row[5]} at once; {row[6]}")
    wall = statistics.median(r[0] for r in rows)
    print(f"{name}: median wall {wall:.2f} s (min {min(r[0] for r in rows):.2f}, max {max(r[0] for r in rows):.2f}); "
          f"peak RSS together {max(r[1] for r in rows):.1f} MiB, largest sandbox {max(r[2] for r in rows):.1f} MiB")
    return wall

print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()}, {time.strftime('%FT%TZ', time.gmtime())}, "
      f"{runs} runs per sandbox, test threads: {threads or 'one per core'}")
ours = bench("nearviz", nearviz)
if neard:
    theirs = bench("neard", neard)
    print(f"neard / nearviz: {theirs / ours:.1f}x (goal: at least 10x)")
else:
    print("neard: not measured (set NEARD=/path/to/neard)")
print(f"load after: {os.getloadavg()}")
PY
