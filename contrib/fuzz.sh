#!/usr/bin/env bash
# Builds the libFuzzer targets in contrib/fuzz and runs one of them, or each in turn, for a
# given time, starting from the seeds in contrib/fuzz/corpus/TARGET.
#
#   contrib/fuzz.sh TARGET|all SECONDS [libFuzzer flags…]
#   targets: rpc runner-status results config revision
#
# New corpus entries, crashing inputs and logs go under .build-fuzz/ (never into the
# repository). Exits non-zero when a target crashed, hung (-timeout) or ran out of memory,
# and prints the input that did it with the command that reproduces it. TJFUZZ_NO_BUILD=1
# reuses the last build (every build recompiles the library: its embedded assets are
# regenerated each time).
#
# The fuzz package builds the root package's library again (release, instrumented for
# coverage) in .build-fuzz; the first build takes as long as a release build.
set -uo pipefail
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
scratch="$root/.build-fuzz"
targets=(rpc runner-status results config revision)

usage() {
    echo "usage: contrib/fuzz.sh TARGET|all SECONDS [libFuzzer flags…]; targets: ${targets[*]}" >&2
    exit 2
}
[ $# -ge 2 ] || usage
which="$1"
seconds="$2"
shift 2
[[ "$seconds" =~ ^[0-9]+$ ]] || usage
if [ "$which" = all ]; then
    selected=("${targets[@]}")
else
    [[ " ${targets[*]} " == *" $which "* ]] || usage
    selected=("$which")
fi

# Every Swift module is compiled with the frontend's -sanitize=fuzzer (coverage counters and
# comparison tracing) and every binary links libFuzzer without its main. The driver's own
# -sanitize=fuzzer would link libFuzzer's main into every executable, and the root
# package's build-time tool (the EmbedAssets plugin's AssetEmbedder) has a main of its own;
# tjfuzz calls LLVMFuzzerRunDriver from its main instead.
runtime="$(dirname "$(readlink -f "$(command -v swiftc)")")/../lib/clang"
runtime="$(ls -d "$runtime"/*/lib/linux/libclang_rt.fuzzer_no_main-x86_64.a 2>/dev/null | head -1)"
if [ -z "$runtime" ]; then
    echo "fuzz: libclang_rt.fuzzer_no_main is not in the Swift toolchain" >&2
    exit 1
fi
echo "building the fuzz targets (release, coverage-instrumented)…"
if [ -n "${TJFUZZ_NO_BUILD:-}" ] && [ -x "$scratch/release/tjfuzz" ]; then
    echo "TJFUZZ_NO_BUILD is set: using the tjfuzz built before"
elif ! swift build --package-path "$root/contrib/fuzz" --scratch-path "$scratch" -c release --product tjfuzz \
        -Xswiftc -Xfrontend -Xswiftc -sanitize=fuzzer -Xswiftc -enable-testing \
        -Xlinker "$runtime" -Xlinker -lstdc++ -Xlinker -lm; then
    echo "fuzz: the build failed" >&2
    exit 1
fi
binary="$scratch/release/tjfuzz"

failed=0
summary=()
for target in "${selected[@]}"; do
    corpus="$scratch/corpus/$target"
    crashes="$scratch/crashes/$target"
    log="$scratch/logs/$target.log"
    mkdir -p "$corpus" "$crashes" "$scratch/logs"
    dictionary=()
    [ -f "$root/contrib/fuzz/dict/$target.dict" ] && dictionary=("-dict=$root/contrib/fuzz/dict/$target.dict")
    echo "fuzzing $target for $seconds s (log: $log)"
    # The first folder receives new inputs; the committed seeds are only read.
    # Swift's own crash backtracer would end the process before libFuzzer saves the input.
    SWIFT_BACKTRACE=enable=no TJFUZZ_TARGET="$target" "$binary" -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
        -artifact_prefix="$crashes/" "${dictionary[@]}" "$@" "$corpus" "$root/contrib/fuzz/corpus/$target" > "$log" 2>&1
    status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    rate=$(sed -n 's/^stat::average_exec_per_sec: *//p' "$log" | tail -1)
    if [ "$status" -eq 0 ]; then
        summary+=("$(printf '%-14s %12s runs %8s/s  ok' "$target" "${runs:-?}" "${rate:-?}")")
    else
        failed=1
        input=$(sed -n 's/.*Test unit written to \(.*\)$/\1/p' "$log" | tail -1)
        summary+=("$(printf '%-14s %12s runs %8s/s  FAILED (exit %s)' "$target" "${runs:-?}" "${rate:-?}" "$status")")
        echo "fuzz: $target failed (exit $status); the end of its log:" >&2
        grep -v '^#[0-9]' "$log" | tail -40 >&2
        if [ -n "$input" ]; then
            echo "fuzz: the input is $input" >&2
            echo "fuzz: its bytes: $(od -An -tx1 -v "$input" | tr -d ' \n' | head -c 2000)" >&2
            echo "fuzz: reproduce with: SWIFT_BACKTRACE=enable=no TJFUZZ_TARGET=$target $binary $input" >&2
        fi
    fi
done
echo
printf '%s\n' "${summary[@]}"
exit "$failed"
