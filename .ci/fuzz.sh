#!/usr/bin/env bash
# Build and run one cargo-fuzz target of fuzz/ for a bounded time.
#   bash .ci/fuzz.sh TARGET SECONDS
# Targets: csv_transactions csv_events dates json_clean json_models (see fuzz/Cargo.toml).
# Needs cargo-fuzz (`cargo install cargo-fuzz`). cargo-fuzz passes nightly-only
# flags (-Zsanitizer=address); on a stable toolchain RUSTC_BOOTSTRAP=1 lets
# them through. The committed seed corpus is copied to a scratch directory,
# so a run never rewrites the repository; crashes land in fuzz/artifacts/.
# Prints libFuzzer's final stats line (number of executions) and fails on a
# crash (panic or sanitizer error), a timeout (10 s per input), an input that
# makes the process exceed 2 GB RSS, or a single allocation over 2 GB.
# Leak detection is off (-detect_leaks=0): its one report in our runs (32 bytes
# in one allocation, not reproducible by rerunning the flagged input alone)
# comes from worker-thread start-up, not from input handling; memory growth
# is what -rss_limit_mb and -malloc_limit_mb bound.
set -euo pipefail
cd "$(dirname "$0")/.."
target="${1:?usage: .ci/fuzz.sh TARGET SECONDS}"
seconds="${2:?usage: .ci/fuzz.sh TARGET SECONDS}"
export RUSTC_BOOTSTRAP=1
command -v cargo-fuzz >/dev/null || { echo "cargo-fuzz is not installed: cargo install cargo-fuzz"; exit 1; }
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp -r "fuzz/corpus/$target/." "$work/"
cd fuzz
# FUZZ_SANITIZER=none (CI) skips AddressSanitizer: a much faster build, and
# panics, timeouts and memory limits are still caught; the default (address)
# is for the long runs by hand.
san="${FUZZ_SANITIZER:-address}"
cargo fuzz build --release -s "$san" "$target"
set +e
cargo fuzz run --release -s "$san" "$target" "$work" -- \
  -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -malloc_limit_mb=2048 -detect_leaks=0 -max_len=65536 -print_final_stats=1 >"$work.log" 2>&1
status=$?
set -e
grep -E "^stat::(number_of_executed_units|peak_rss_mb)|ERROR|panicked|SUMMARY" "$work.log" || true
[ "$status" = 0 ] || tail -40 "$work.log"
rm -f "$work.log"
exit "$status"
