#!/usr/bin/env bash
# Build the libFuzzer harness (clang, with ASan + UBSan) and run it.
#
#   tests/fuzz/run.sh [seconds=600] [extra libFuzzer flags...]
#
# Needs clang (Debian: apt-get install clang). The pocketfft header comes from
# $POCKETFFT_HEADER, else from an installed pythran, else from the pythran
# wheel downloaded into build/fuzz.
set -euo pipefail
cd "$(dirname "$0")/../.."
seconds=${1:-600}
shift || true
out=build/fuzz
mkdir -p "$out/core-corpus"

header=${POCKETFFT_HEADER:-}
if [ -z "$header" ]; then
  header=$(python3 -c "import importlib.util, pathlib; s = importlib.util.find_spec('pythran'); print(pathlib.Path(s.origin).parent / 'pythonic/numpy/fft/pocketfft.hpp')" 2>/dev/null || true)
fi
if [ -z "$header" ] || [ ! -f "$header" ]; then
  python3 -m pip download --no-deps -q -d "$out/wheel" pythran
  python3 -m zipfile -e "$out"/wheel/pythran-*.whl "$out/pythran"
  header=$(pwd)/$out/pythran/pythran/pythonic/numpy/fft/pocketfft.hpp
fi

flags=(-std=c++17 -g -O1 -fno-omit-frame-pointer -fsanitize=fuzzer-no-link,address,undefined
       -fno-sanitize-recover=all -Icsrc "-DFASTMEL_POCKETFFT_HEADER=\"$header\"" -DFASTMEL_HAVE_AVX2)
clang++ "${flags[@]}" -c csrc/plan.cpp -o "$out/plan.o"
clang++ "${flags[@]}" -c csrc/pool.cpp -o "$out/pool.o"
clang++ "${flags[@]}" -c csrc/kernel_baseline.cpp -o "$out/kernel_baseline.o"
clang++ "${flags[@]}" -mavx2 -mfma -ffp-contract=fast -c csrc/kernel_avx2.cpp -o "$out/kernel_avx2.o"
clang++ "${flags[@]}" -fsanitize=fuzzer tests/fuzz/fuzz_core.cpp "$out"/*.o -o "$out/fuzz_core" -lpthread

export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# -len_control=0: full-size inputs from the start (raw windows, weights, post
# matrices and signals need many bytes; a slowly growing length limit starves them).
"$out/fuzz_core" "$out/core-corpus" -max_total_time="$seconds" -max_len=16384 -len_control=0 \
    -artifact_prefix="$out/" \
    -print_final_stats=1 "$@"
