#!/usr/bin/env bash
# Runs one fuzz target for a while on the stable toolchain, without
# cargo-fuzz or nightly:
#
#     fuzz/run.sh <target> <seconds> [libFuzzer options...]
#
# It builds the target as cargo-fuzz would (RUSTC_BOOTSTRAP=1 lets stable
# rustc take the sanitizer-coverage flags cargo-fuzz passes), then runs it
# on a scratch copy of fuzz/corpus/<target>/ (so the committed seeds stay
# as they are; copy new inputs back by hand if they are worth keeping)
# for at most <seconds>, writing crashes to fuzz/artifacts/<target>/, and
# prints libFuzzer's final exec count. Extra arguments go to libFuzzer
# (for example -jobs=1 -max_len=2048).
#
# Environment: CARGO_TARGET_DIR (default fuzz/target), NICE (default 19:
# the build and the run are niced so a CI build beside them keeps its
# cores).
set -euo pipefail

if [ $# -lt 2 ]; then
    echo "usage: $0 <target> <seconds> [libFuzzer options...]" >&2
    exit 2
fi
target=$1
seconds=$2
shift 2
case $seconds in
'' | *[!0-9]*)
    echo "seconds must be a whole number, got '$seconds'" >&2
    exit 2
    ;;
esac

fuzz_dir=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
root=$(dirname "$fuzz_dir")
if [ ! -f "$fuzz_dir/fuzz_targets/$target.rs" ]; then
    echo "no fuzz target '$target'; targets:" >&2
    ls "$fuzz_dir/fuzz_targets" | sed 's/\.rs$//; s/^/  /' >&2
    exit 2
fi
nice_level=${NICE:-19}
target_dir=${CARGO_TARGET_DIR:-$fuzz_dir/target}
export CARGO_TARGET_DIR=$target_dir

# The flags cargo-fuzz passes for its default (no sanitizer) build.
export RUSTC_BOOTSTRAP=1
export RUSTFLAGS="${RUSTFLAGS:-} -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"

# An explicit --target (the host's, as cargo-fuzz passes) keeps RUSTFLAGS
# off build scripts and proc macros, which cannot link the sanitizer hooks.
host=$(rustc -vV | sed -n 's/^host: //p')
echo "building $target (release, sancov, $host) in $target_dir" >&2
(cd "$fuzz_dir" && nice -n "$nice_level" cargo build --release --target "$host" --bin "$target")
binary=$target_dir/$host/release/$target

scratch=$(mktemp -d "${TMPDIR:-/tmp}/cxfuzz-$target.XXXXXX")
trap 'rm -rf "$scratch"' EXIT
if [ -d "$fuzz_dir/corpus/$target" ]; then
    cp -R "$fuzz_dir/corpus/$target/." "$scratch/"
fi
artifacts=$fuzz_dir/artifacts/$target
mkdir -p "$artifacts"
log=$scratch.log

echo "running $target for ${seconds}s on $(ls "$scratch" | wc -l) seed input(s)" >&2
status=0
(cd "$root" && nice -n "$nice_level" "$binary" \
    -max_total_time="$seconds" \
    -artifact_prefix="$artifacts/" \
    -print_final_stats=1 \
    "$@" "$scratch") >"$log" 2>&1 || status=$?
tail -n 25 "$log"
execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
echo "$target: ${execs:-?} execs in ${seconds}s (exit $status; log $log)"
exit "$status"
