#!/usr/bin/env bash
# nearviz as near-workspaces' sandbox (`near-sandbox`, nearviz::neard): how long `init` takes,
# how long from spawning `run` to a JSON-RPC `status` answer (polled every millisecond from one
# process, so the poller's own start-up is not counted), the idle memory of each instance, and
# N instances at once all answering. Results: tui/benches/README.md ("near-sandbox").
#
#   cargo build --release -p nearviz --bin near-sandbox
#   bash tui/benches/sandbox.sh [path/to/near-sandbox]     # N=16 by default
set -euo pipefail

bin=${1:-${CARGO_TARGET_DIR:-target}/release/near-sandbox}
[ -x "$bin" ] || { echo "no near-sandbox binary at $bin (build it first)" >&2; exit 2; }
exec python3 - "$bin" "${N:-16}" <<'PY'
import http.client, json, os, socket, statistics, subprocess, sys, tempfile, time

bin_path, n = sys.argv[1], int(sys.argv[2])
work = tempfile.mkdtemp(prefix="nv-sandbox-bench-")
body = json.dumps({"jsonrpc": "2.0", "id": 0, "method": "status", "params": []})

def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]

def rpc(port, method, params):
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
    conn.request("POST", "/", json.dumps({"jsonrpc": "2.0", "id": 0, "method": method, "params": params}),
                 {"Content-Type": "application/json"})
    return json.loads(conn.getresponse().read())

print(f"machine: {os.cpu_count()} cores, load {os.getloadavg()}, {time.strftime('%FT%TZ', time.gmtime())}")
procs, ports, starts, inits = [], [], [], []
try:
    for i in range(n):
        home = os.path.join(work, f"h{i}")
        t0 = time.perf_counter()
        subprocess.run([bin_path, "--home", home, "init", "--fast"], check=True, stdout=subprocess.DEVNULL)
        inits.append((time.perf_counter() - t0) * 1000)
        port = free_port()
        t1 = time.perf_counter()
        procs.append(subprocess.Popen([bin_path, "--home", home, "run", "--rpc-addr", f"127.0.0.1:{port}",
                                       "--network-addr", f"127.0.0.1:{free_port()}"]))
        while True:
            try:
                if "chain_id" in rpc(port, "status", [])["result"]:
                    break
            except (OSError, KeyError, ValueError):
                time.sleep(0.001)
        starts.append((time.perf_counter() - t1) * 1000)
        ports.append(port)
        print(f"instance {i + 1:2}: init {inits[-1]:6.1f} ms, run -> status {starts[-1]:6.1f} ms")
    print(f"init: median {statistics.median(inits):.1f} ms; run -> status: min {min(starts):.1f}, "
          f"median {statistics.median(starts):.1f}, max {max(starts):.1f} ms")
    time.sleep(1)
    rss = []
    for p in procs:
        with open(f"/proc/{p.pid}/status") as f:
            rss.append(next(int(l.split()[1]) for l in f if l.startswith("VmRSS")) / 1024)
    view = {"request_type": "view_account", "finality": "final", "account_id": "test.near"}
    answered = sum("amount" in rpc(port, "query", view).get("result", {}) for port in ports)
    print(f"idle RSS per instance: max {max(rss):.1f} MiB, mean {statistics.mean(rss):.1f} MiB; "
          f"{answered} of {n} answered view_account")
    print(f"load after: {os.getloadavg()}")
finally:
    for p in procs:
        p.kill()
        p.wait()
    subprocess.run(["rm", "-rf", work])
PY
