#!/usr/bin/env bash
# nearviz as near-workspaces' sandbox (`near-sandbox`, nearviz::neard): how long `init` takes,
# how long from `run` to a JSON-RPC `status` answer, the idle memory of each instance, and N
# instances at once all answering. Results: tui/benches/README.md ("near-sandbox").
#
#   cargo build --release -p nearviz --bin near-sandbox
#   bash tui/benches/sandbox.sh [path/to/near-sandbox]     # N=16 by default
set -euo pipefail

bin=${1:-${CARGO_TARGET_DIR:-target}/release/near-sandbox}
n=${N:-16}
[ -x "$bin" ] || { echo "no near-sandbox binary at $bin (build it first)" >&2; exit 2; }
work=$(mktemp -d)
pids=()
cleanup() {
    for pid in "${pids[@]}"; do kill -9 "$pid" 2>/dev/null || true; done
    rm -rf "$work"
}
trap cleanup EXIT

now_us() { echo $(( $(date +%s%N) / 1000 )); }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
rpc() { # PORT METHOD PARAMS -> the answer body
    curl -s -m 2 -H 'Content-Type: application/json' \
        -d "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"$2\",\"params\":$3}" "http://127.0.0.1:$1/" || true
}

echo "machine: $(nproc) cores, load $(cut -d' ' -f1-3 /proc/loadavg), $(date -u +%FT%TZ)"
ports=()
starts=()
for i in $(seq 1 "$n"); do
    home="$work/h$i"
    t0=$(now_us)
    "$bin" --home "$home" init --fast >/dev/null
    t1=$(now_us)
    port=$(free_port)
    "$bin" --home "$home" run --rpc-addr "127.0.0.1:$port" --network-addr "127.0.0.1:$(free_port)" &
    pids+=("$!")
    disown "$!"
    t2=$(now_us)
    until rpc "$port" status '[]' | grep -q '"chain_id"'; do sleep 0.002; done
    t3=$(now_us)
    ports+=("$port")
    starts+=($(( (t3 - t2) / 1000 )))
    printf 'instance %2d: init %4d ms, run -> status %4d ms\n' "$i" $(( (t1 - t0) / 1000 )) $(( (t3 - t2) / 1000 ))
done
sorted=$(printf '%s\n' "${starts[@]}" | sort -n)
echo "run -> status: min $(echo "$sorted" | head -1) ms, median $(echo "$sorted" | sed -n "$(( (n + 1) / 2 ))p") ms, max $(echo "$sorted" | tail -1) ms"

sleep 1
total_kb=0
max_kb=0
answered=0
for i in $(seq 0 $(( n - 1 ))); do
    rss=$(awk '/VmRSS/ {print $2}' "/proc/${pids[$i]}/status")
    total_kb=$(( total_kb + rss ))
    [ "$rss" -gt "$max_kb" ] && max_kb=$rss
    view="{\"request_type\":\"view_account\",\"finality\":\"final\",\"account_id\":\"test.near\"}"
    if rpc "${ports[$i]}" query "$view" | grep -q '"amount"'; then answered=$(( answered + 1 )); fi
done
echo "idle RSS per instance: max $(( max_kb / 1024 )) MiB, mean $(( total_kb / n / 1024 )) MiB; $answered of $n instances answered view_account at once"
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)"
