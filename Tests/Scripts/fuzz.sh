#!/usr/bin/env bash
# Builds the libFuzzer targets (docs/fuzzing.md) and runs each for SECONDS (default 60) from a
# seed corpus: the statement fixtures for fuzz-statements, and Fixtures/fuzz/<target>. A crash or a broken invariant stops the run, saves the input under
# Fixtures/fuzz/<target>/ (commit it: the regression test replays it) and exits non-zero.
#     Tests/Scripts/fuzz.sh [SECONDS] [TARGET...]
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-60}
shift || true
targets=("$@")
[ ${#targets[@]} -gt 0 ] || targets=(statements multipart)
scratch=.build-fuzz

for target in "${targets[@]}"; do
    swift build -c release --scratch-path "$scratch" --product "fuzz-$target" \
        -Xswiftc -sanitize=fuzzer,address -Xswiftc -DFUZZING -Xswiftc -use-ld=lld 2>&1 | grep -E "error|Compiling fuzz|Build complete" || true
    corpus="$scratch/corpus/$target"
    mkdir -p "$corpus" "Fixtures/fuzz/$target"
    # Seeds: the statement fixtures, and every input under Fixtures/fuzz/<target> (seeds and
    # past findings).
    [ "$target" != statements ] || cp -n Fixtures/statements/valid/*.json Fixtures/statements/invalid/*.json "$corpus/"
    cp -n "Fixtures/fuzz/$target"/* "$corpus/"
    echo "== fuzz-$target for ${seconds}s"
    "$scratch/release/fuzz-$target" "$corpus" -max_total_time="$seconds" -max_len=16384 -rss_limit_mb=4096 \
        -artifact_prefix="Fixtures/fuzz/$target/" -print_final_stats=1 2>&1 | grep -E "^(stat::number_of_executed_units|stat::peak_rss_mb|#[0-9]+ +DONE)|ERROR|SUMMARY|artifact|Precondition|Fatal" || true
    # libFuzzer exits non-zero on a finding; grep above hides the status, so look for artifacts.
    if ls "Fixtures/fuzz/$target"/crash-* "Fixtures/fuzz/$target"/leak-* "Fixtures/fuzz/$target"/timeout-* 2>/dev/null | grep -q .; then
        if [ -n "$(git status --porcelain "Fixtures/fuzz/$target")" ]; then
            echo "fuzz-$target found a new failing input (Fixtures/fuzz/$target)" >&2
            exit 1
        fi
    fi
done
echo "fuzzing: no new finding"
