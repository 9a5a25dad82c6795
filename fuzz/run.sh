#!/bin/sh
# Runs the fuzz targets one after the other, each for the given number of seconds, at the lowest priority, with
# the seed corpus from make_corpus.py. Logs go to fuzz/logs/TARGET.log (git-ignored); crashes to fuzz/artifacts/.
#
#   sh fuzz/run.sh read_detect=1200 read_forced=1200 circuit=600
#
# Needs a nightly toolchain (rustup toolchain install nightly) and cargo-fuzz (cargo install cargo-fuzz).
set -eu
cd "$(dirname "$0")"
[ -d corpus ] || python3 make_corpus.py
mkdir -p logs
for spec in "$@"; do
    target=${spec%%=*}
    seconds=${spec#*=}
    case $target in
        read_*) max_len=32768 ;;
        *) max_len=4096 ;;
    esac
    nice -n 19 cargo +nightly fuzz run -O "$target" "corpus/$target" -- \
        -max_total_time="$seconds" -max_len="$max_len" -timeout=10 -rss_limit_mb=2048 \
        -print_final_stats=1 > "logs/$target.log" 2>&1 || echo "$target: exit $? (see fuzz/logs/$target.log)"
    tail -n 30 "logs/$target.log" | grep -E '^(#[0-9]+.*DONE|stat::|Done)' || true
done
