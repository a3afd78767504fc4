#!/bin/sh
# Fuzz nearviz's input parsers with cargo-fuzz (libFuzzer), each target for a bounded time.
#
#   scripts/fuzz.sh                  # 60 s per target (3 targets: about 3 minutes plus the build)
#   FUZZ_SECONDS=10 scripts/fuzz.sh  # shorter
#
# Installs what it needs (rustup's nightly toolchain, cargo-fuzz from crates.io), seeds each
# target (fixture: fixtures/reference/captures + fixtures/fuzz-corpus; scenario and rpc:
# fuzz/seeds/), keeps its growing corpus in fuzz/corpus/ (not committed), and prints executions
# per second and corpus size per target. A crash fails the script; the crashing input is copied to
# fuzz/regressions/<target>/, where `cargo test -p nearviz --test reliab_fuzz` replays it: commit
# it with the fix.
set -eu

seconds=${FUZZ_SECONDS:-60}
root=$(cd "$(dirname "$0")/.." && pwd)
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/var/tmp/nearviz-fuzz-target}"

if ! rustup run nightly rustc --version >/dev/null 2>&1; then
    rustup toolchain install nightly --profile minimal
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi

cd "$root/fuzz"
cargo +nightly fuzz build -O fixture
cargo +nightly fuzz build -O scenario
cargo +nightly fuzz build -O rpc

failed=""
summary=""
for target in fixture scenario rpc; do
    corpus="corpus/$target"
    mkdir -p "$corpus" "regressions/$target" "artifacts/$target"
    case $target in
        fixture) seeds="$root/fixtures/reference/captures $root/fixtures/fuzz-corpus" ;;
        *) seeds="seeds/$target" ;;
    esac
    log="artifacts/$target/run.log"
    # shellcheck disable=SC2086 # several seed directories
    if cargo +nightly fuzz run -O "$target" "$corpus" $seeds "regressions/$target" -- \
        -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1; then
        status=ok
    else
        status=CRASH
        failed="$failed $target"
        for crash in artifacts/$target/crash-* artifacts/$target/timeout-* artifacts/$target/oom-*; do
            [ -e "$crash" ] && cp "$crash" "regressions/$target/"
        done
        tail -n 40 "$log" >&2
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    size=$(find "$corpus" -type f | wc -l | tr -d ' ')
    line="$target: $status, ${execs:-?} runs in ${seconds} s (${rate:-?} exec/s), corpus $size files"
    echo "$line"
    summary="$summary$line
"
done

printf '\nfuzz summary (%s s per target):\n%s' "$seconds" "$summary"
if [ -n "$failed" ]; then
    echo "fuzz: crash in:$failed (inputs copied to fuzz/regressions/)" >&2
    exit 1
fi
