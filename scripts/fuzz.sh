#!/bin/sh
# Fuzz nearviz's input parsers with cargo-fuzz (libFuzzer), each target for a bounded time.
#
#   scripts/fuzz.sh                  # 60 s per target (4 targets: about 4 minutes plus the build)
#   FUZZ_SECONDS=10 scripts/fuzz.sh  # shorter
#   FUZZ_TARGETS="serve rpc" scripts/fuzz.sh
#   FUZZ_SANITIZER=address scripts/fuzz.sh  # with AddressSanitizer (a second, slower build)
#
# Installs cargo-fuzz from crates.io when missing, builds with rustup's nightly toolchain when the
# machine has it (else with stable: see below), seeds each target (fixture:
# fixtures/reference/captures + fixtures/fuzz-corpus; the others: fuzz/seeds/), keeps its growing
# corpus in FUZZ_CORPUS_DIR (default fuzz/corpus/, not committed), and prints
# the build time, then executions per second and corpus size per target. A crash fails the
# script; the crashing input is copied to fuzz/regressions/<target>/ (and printed in base64, for
# CI logs), where `cargo test -p nearviz --test it reliab_fuzz` replays it: commit it with the fix.
#
# Builds go to FUZZ_TARGET_DIR (default /var/tmp/nearviz-fuzz-target, outside the clone, so CI
# reuses them). The fuzz crate's dependencies are locked to the workspace's Cargo.lock.
set -eu

seconds=${FUZZ_SECONDS:-60}
targets=${FUZZ_TARGETS:-fixture scenario rpc serve}
root=$(cd "$(dirname "$0")/.." && pwd)
corpus_root=${FUZZ_CORPUS_DIR:-$root/fuzz/corpus}
export CARGO_TARGET_DIR="${FUZZ_TARGET_DIR:-/var/tmp/nearviz-fuzz-target}"

# rustup's nightly when the machine has it; else the default (stable) toolchain, which builds
# and runs the targets too when there is no sanitizer (cargo-fuzz passes no -Z flag then). A new
# machine has only the stable toolchain and can fetch no other, so none is installed here.
sanitizer=${FUZZ_SANITIZER:-none}
if rustup toolchain list 2>/dev/null | grep -q '^nightly'; then
    toolchain=+nightly
elif [ "$sanitizer" = none ]; then
    toolchain=""
    echo "fuzz: no nightly toolchain; building with $(rustc --version)"
else
    echo "fuzz: FUZZ_SANITIZER=$sanitizer needs rustup's nightly toolchain, not installed here" >&2
    exit 2
fi
if ! cargo fuzz --version >/dev/null 2>&1; then
    cargo install --locked cargo-fuzz
fi

cd "$root/fuzz"
# The same dependency versions as the workspace (cargo adds libfuzzer-sys to the copy).
if [ ! -e Cargo.lock ] || [ "$root/Cargo.lock" -nt Cargo.lock ]; then
    cp "$root/Cargo.lock" Cargo.lock
fi
# No AddressSanitizer by default (FUZZ_SANITIZER=address for it): nearviz has no `unsafe`, and
# a parser's bugs show as panics, hangs and runaway memory, which libFuzzer catches by itself;
# ASan costs build time and slows every run. fuzz/Cargo.toml builds the wasm compiler (never run
# by a target) unoptimised. Numbers: fixtures/README.md.
flags="-O --sanitizer $sanitizer"
built=$(date +%s)
# shellcheck disable=SC2086 # a list of targets, several flags, maybe no toolchain
for target in $targets; do
    cargo $toolchain fuzz build $flags "$target"
done
built=$(($(date +%s) - built))
echo "fuzz: targets built in $built s"

failed=""
summary=""
for target in $targets; do
    corpus="$corpus_root/$target"
    mkdir -p "$corpus" "regressions/$target" "artifacts/$target"
    case $target in
        fixture) seeds="$root/fixtures/reference/captures $root/fixtures/fuzz-corpus" ;;
        *) seeds="seeds/$target" ;;
    esac
    log="artifacts/$target/run.log"
    # shellcheck disable=SC2086 # maybe no toolchain, several flags and seed directories
    if cargo $toolchain fuzz run $flags "$target" "$corpus" $seeds "regressions/$target" -- \
        -max_total_time="$seconds" -max_len=262144 -rss_limit_mb=2048 -timeout=10 \
        -print_final_stats=1 >"$log" 2>&1; then
        status=ok
    else
        status=CRASH
        failed="$failed $target"
        tail -n 40 "$log" >&2
        for crash in artifacts/$target/crash-* artifacts/$target/timeout-* artifacts/$target/oom-*; do
            [ -e "$crash" ] || continue
            cp "$crash" "regressions/$target/"
            echo "fuzz: $target input $(basename "$crash") (base64):" >&2
            base64 -w 0 "$crash" >&2
            echo >&2
        done
    fi
    execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -n 1)
    size=$(find "$corpus" -type f | wc -l | tr -d ' ')
    line="$target: $status, ${execs:-?} runs in ${seconds} s (${rate:-?} exec/s), corpus $size files"
    echo "$line"
    summary="$summary$line
"
done

printf '\nfuzz summary (%s s per target; build %s s; load:%s):\n%s' \
    "$seconds" "$built" "$(uptime | sed 's/.*load average://')" "$summary"
if [ -n "$failed" ]; then
    echo "fuzz: crash in:$failed (inputs copied to fuzz/regressions/)" >&2
    exit 1
fi
