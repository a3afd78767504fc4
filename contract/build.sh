#!/usr/bin/env bash
# Builds the example contracts to contract/res/<name>.wasm, reproducibly.
#
#   contract/build.sh           build hello, counter, guestbook, xcc into contract/res/
#   contract/build.sh --check   rebuild into a temp dir, fail if any differs from contract/res/
#
# NEAR runs MVP wasm only, so std is rebuilt with `-C target-cpu=mvp` (`-Zbuild-std`, which needs
# RUSTC_BOOTSTRAP=1 on a stable toolchain) and near-sdk gets `--cfg near` (real host panics).
# Paths are remapped and flags fixed, so a clone anywhere rebuilds byte-identical files with the
# same toolchain (recorded in contract/res/toolchain.txt). See DEVELOPERS.md, "Building the
# contracts".
#
# Environment:
#   NEARVIZ_WASM_TOOLCHAIN   debian | rustup   (default: debian if present, else rustup)
#   NEARVIZ_WASM_TARGET_DIR  cargo target dir  (default: /var/tmp/nearviz-wasm-target)
set -euo pipefail

CONTRACTS=(hello counter guestbook xcc)
TARGET=wasm32-unknown-unknown
PROFILE=contract

die() {
    printf 'contract/build.sh: %s\n' "$*" >&2
    exit 1
}

usage() {
    # The header comment above, without the '#'.
    sed -n '2,/^[^#]/p' "$0" | sed '$d' | sed 's/^# \{0,1\}//'
}

mode=build
case "${1:-}" in
    "") ;;
    --check) mode=check ;;
    -h | --help)
        usage
        exit 0
        ;;
    *)
        usage >&2
        die "unknown argument '$1'"
        ;;
esac
[ $# -le 1 ] || die "expected at most one argument, got $#"

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd -P)"
RES="$ROOT/contract/res"
TARGET_DIR="${NEARVIZ_WASM_TARGET_DIR:-/var/tmp/nearviz-wasm-target}"
CARGO_HOME_DIR="${CARGO_HOME:-$HOME/.cargo}"

# ---------------------------------------------------------------------------------------------
# Toolchain: Debian's rustc-web/cargo-web/rust-web-src + lld, or rustup with rust-src.
# ---------------------------------------------------------------------------------------------
DEBIAN_SYSROOT=/usr
debian_linker() {
    local v
    for v in 22 21 20 19; do
        if [ -x "/usr/lib/llvm-$v/bin/wasm-ld" ]; then
            echo "/usr/lib/llvm-$v/bin/wasm-ld"
            return 0
        fi
    done
    command -v wasm-ld || return 1
}

debian_ready() {
    [ -x /usr/bin/rustc ] && [ -x /usr/bin/cargo ] &&
        [ -d "$DEBIAN_SYSROOT/lib/rustlib/src/rust/library/std" ] &&
        debian_linker > /dev/null
}

rustup_ready() {
    command -v rustup > /dev/null || return 1
    local sysroot
    sysroot="$("$(rustup which rustc 2> /dev/null)" --print sysroot 2> /dev/null)" || return 1
    [ -d "$sysroot/lib/rustlib/src/rust/library/std" ] || return 1
    [ -n "$(find "$sysroot/lib/rustlib" -maxdepth 3 -name 'rust-lld' -print -quit 2> /dev/null)" ]
}

install_hint() {
    cat >&2 << 'EOF'
contract/build.sh: no toolchain that can build MVP wasm with a rebuilt std was found.
Install one of:
  Debian 12 (bookworm-security; what the committed wasm are built with):
    sudo apt-get install rustc-web cargo-web rust-web-src lld-22
  rustup (the default toolchain; the committed wasm need the Debian one to match byte for byte):
    rustup component add rust-src
    rustup target add wasm32-unknown-unknown
Then run contract/build.sh again (NEARVIZ_WASM_TOOLCHAIN=debian|rustup picks one).
EOF
    exit 1
}

choice="${NEARVIZ_WASM_TOOLCHAIN:-}"
if [ -z "$choice" ]; then
    if debian_ready; then
        choice=debian
    elif rustup_ready; then
        choice=rustup
    else
        install_hint
    fi
fi

case "$choice" in
    debian)
        debian_ready || install_hint
        RUSTC_BIN=/usr/bin/rustc
        CARGO_BIN=/usr/bin/cargo
        LINKER="$(debian_linker)"
        LINKER_FLAG=(-C "linker=$LINKER")
        ;;
    rustup)
        rustup_ready || install_hint
        RUSTC_BIN="$(rustup which rustc)"
        CARGO_BIN="$(rustup which cargo)"
        LINKER="$(find "$("$RUSTC_BIN" --print sysroot)/lib/rustlib" -maxdepth 3 -name rust-lld -print -quit)"
        LINKER_FLAG=()
        ;;
    *) die "NEARVIZ_WASM_TOOLCHAIN must be 'debian' or 'rustup', got '$choice'" ;;
esac
SYSROOT="$("$RUSTC_BIN" --print sysroot)"
RUST_SRC="$SYSROOT/lib/rustlib/src/rust"

# What produced the bytes: a rebuild is byte-identical only with the same compiler and linker.
toolchain_id() {
    "$RUSTC_BIN" -vV | grep -E '^(release|commit-hash|LLVM version):'
    printf 'linker: %s\n' "$("$LINKER" --version 2> /dev/null | head -n 1 | sed 's/ (.*//')"
}

# ---------------------------------------------------------------------------------------------
# Build
# ---------------------------------------------------------------------------------------------
# Fixed flags; machine-specific paths are remapped to stable names (last match wins in rustc).
flags=(
    --cfg near
    -C target-cpu=mvp
    -C link-arg=-s
    ${LINKER_FLAG[@]+"${LINKER_FLAG[@]}"}
    "--remap-path-prefix=$ROOT=/nearviz"
    "--remap-path-prefix=$CARGO_HOME_DIR=/cargo"
    "--remap-path-prefix=$RUST_SRC=/rust"
    "--remap-path-prefix=$TARGET_DIR=/target"
)
encoded_flags="$(printf '%s\x1f' "${flags[@]}")"
encoded_flags="${encoded_flags%$'\x1f'}"

build() {
    local packages=() c
    for c in "${CONTRACTS[@]}"; do packages+=(-p "$c"); done
    printf 'Building %s with %s (%s)\n' "${CONTRACTS[*]}" "$choice" \
        "$("$RUSTC_BIN" --version)" >&2
    (
        cd "$ROOT"
        unset RUSTFLAGS CARGO_BUILD_RUSTFLAGS RUSTC_WRAPPER RUSTC_WORKSPACE_WRAPPER \
            CARGO_BUILD_RUSTC_WRAPPER CARGO_BUILD_TARGET
        export RUSTC="$RUSTC_BIN" RUSTC_BOOTSTRAP=1 CARGO_INCREMENTAL=0 \
            CARGO_TARGET_DIR="$TARGET_DIR" CARGO_ENCODED_RUSTFLAGS="$encoded_flags"
        "$CARGO_BIN" build --locked --profile "$PROFILE" --target "$TARGET" \
            -Zbuild-std=std,panic_abort "${packages[@]}"
    )
}

copy_out() {
    local dest="$1" c
    mkdir -p "$dest"
    for c in "${CONTRACTS[@]}"; do
        cp "$TARGET_DIR/$TARGET/$PROFILE/$c.wasm" "$dest/$c.wasm"
    done
    toolchain_id > "$dest/toolchain.txt"
}

# NEAR accepts MVP wasm only: validate with every post-MVP feature off when wabt is installed.
validate_mvp() {
    local dir="$1" c
    if ! command -v wasm-validate > /dev/null; then
        echo "note: wasm-validate (wabt) not installed, skipping the MVP check" >&2
        return 0
    fi
    for c in "${CONTRACTS[@]}"; do
        wasm-validate --disable-bulk-memory --disable-reference-types --disable-sign-extension \
            --disable-mutable-globals --disable-saturating-float-to-int --disable-multi-value \
            --disable-simd "$dir/$c.wasm" ||
            die "$c.wasm uses wasm features beyond MVP, which NEAR rejects"
    done
}

sha256() {
    if command -v sha256sum > /dev/null; then
        sha256sum "$1" | cut -d' ' -f1
    else
        shasum -a 256 "$1" | cut -d' ' -f1
    fi
}

if [ "$mode" = build ]; then
    build
    copy_out "$RES"
    validate_mvp "$RES"
    for c in "${CONTRACTS[@]}"; do
        printf '%-10s %8d bytes  %s\n' "$c" "$(wc -c < "$RES/$c.wasm")" \
            "$(sha256 "$RES/$c.wasm")"
    done
    exit 0
fi

# --check: the toolchain must be the recorded one, then every file must match.
[ -f "$RES/toolchain.txt" ] || die "contract/res/toolchain.txt is missing: run contract/build.sh"
if ! diff -u "$RES/toolchain.txt" <(toolchain_id) > /dev/null; then
    {
        echo "contract/build.sh: the committed wasm were built with a different toolchain;"
        echo "a byte-identical rebuild needs the same compiler and linker."
        echo "recorded (contract/res/toolchain.txt):"
        sed 's/^/    /' "$RES/toolchain.txt"
        echo "this machine ($choice):"
        toolchain_id | sed 's/^/    /'
    } >&2
    exit 1
fi
build
tmp="$(mktemp -d "${TMPDIR:-/tmp}/nearviz-wasm-check.XXXXXX")"
trap 'rm -rf "$tmp"' EXIT
copy_out "$tmp"
validate_mvp "$tmp"
status=0
for c in "${CONTRACTS[@]}"; do
    if [ ! -f "$RES/$c.wasm" ]; then
        echo "MISSING   contract/res/$c.wasm (run contract/build.sh and commit it)" >&2
        status=1
    elif cmp -s "$RES/$c.wasm" "$tmp/$c.wasm"; then
        echo "identical contract/res/$c.wasm"
    else
        echo "DIFFERS   contract/res/$c.wasm (rebuilt from source: $(wc -c < "$tmp/$c.wasm") bytes," \
            "in contract/res: $(wc -c < "$RES/$c.wasm") bytes)" >&2
        status=1
    fi
done
[ "$status" -eq 0 ] || die "committed wasm do not match the sources: run contract/build.sh and commit contract/res/"
echo "contract/res/*.wasm rebuild byte-identical"
