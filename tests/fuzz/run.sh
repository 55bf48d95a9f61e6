#!/bin/sh
# Builds the libFuzzer targets with clang (fuzzer + ASan + UBSan) and runs
# each briefly on its committed seed corpus. New inputs go to a scratch
# directory, never into tests/fuzz/corpus.
#
#   tests/fuzz/run.sh              20 s per target
#   FUZZ_TIME=300 tests/fuzz/run.sh
#
# Needs the Debian packages clang and libclang-rt-14-dev (listed in
# tests/deps-packages.txt). Exit status: 0 clean, 1 a target found a
# crash (the input is kept in build/fuzz/), 2 the toolchain is missing.
set -eu
here=$(cd "$(dirname "$0")" && pwd)
root=$(cd "$here/../.." && pwd)
out="$root/build/fuzz"
time=${FUZZ_TIME:-20}
CLANG=${CLANG:-clang}

if ! command -v "$CLANG" >/dev/null 2>&1; then
    echo "fuzz: $CLANG not found (apt-get install clang libclang-rt-14-dev)" >&2
    exit 2
fi
mkdir -p "$out"
flags="-std=c11 -D_GNU_SOURCE -g -O1 -fsanitize=fuzzer,address,undefined \
-fno-sanitize-recover=undefined -Wall -Wextra -Werror -Wno-unused-parameter \
-I$root/src"

# target name, sources (besides the target itself), corpus name
build_and_run() {
    name=$1; corpus=$2; shift 2
    bin="$out/$name"
    # shellcheck disable=SC2086
    if ! "$CLANG" $flags "$here/$name.c" "$@" -o "$bin" 2>"$out/$name.build.log"; then
        cat "$out/$name.build.log" >&2
        if grep -q -e "libclang_rt.fuzzer" -e "fsanitize=fuzzer" "$out/$name.build.log"; then
            echo "fuzz: clang's fuzzer runtime is missing (libclang-rt-14-dev)" >&2
            exit 2
        fi
        exit 1
    fi
    scratch="$out/$name.corpus"
    mkdir -p "$scratch"
    echo "== $name: ${time}s on $here/corpus/$corpus"
    (cd "$out" && "$bin" "$scratch" "$here/corpus/$corpus" \
        -max_total_time="$time" -max_len=8192 -timeout=10 \
        -rss_limit_mb=2048 -print_final_stats=1 2>"$out/$name.log") || {
        tail -n 60 "$out/$name.log" >&2
        echo "fuzz: $name failed; crashing input in $out" >&2
        exit 1
    }
    grep -E "^(Done|stat::number_of_executed_units|stat::average_exec_per_sec|stat::peak_rss_mb)" \
        "$out/$name.log" || true
    grep -E "cov: [0-9]+" "$out/$name.log" | tail -n 1 || true
}

build_and_run fuzz_ios_nvram_fs nvram \
    "$root/src/dev/ios_nvram_fs.c" "$root/src/dev/ios_nvram_lzc.c" \
    "$root/src/core/errmsg.c"
build_and_run fuzz_elf_load elf \
    "$root/src/mem/elf_load.c" "$root/src/mem/physmap.c" "$root/src/core/log.c" \
    "$root/src/core/errmsg.c"
build_and_run fuzz_hv_line hv_line \
    "$root/src/hv/hv_parse.c" "$root/src/hv/hv_reply.c"
build_and_run fuzz_jit jit \
    "$root"/src/cpu/mips64/*.c "$root/src/mem/physmap.c" "$root/src/core/log.c"
build_and_run fuzz_netfile netfile \
    "$root/src/dynagen/dg_util.c" "$root/src/dynagen/ini.c" \
    "$root/src/dynagen/hw.c" "$root/src/dynagen/netfile.c" \
    "$root/src/dynagen/netfile_keys.c" "$root/src/dynagen/config.c" \
    "$root/src/dynagen/topo.c" "$root/src/dynagen/plan.c" \
    "$root/src/dynagen/plan_router.c" "$root/src/dynagen/plan_links.c" \
    "$root/src/dynagen/netedit.c" "$root/src/dynagen/svg.c" -lm
