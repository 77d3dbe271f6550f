#!/usr/bin/env bash
# Build fastmel with AddressSanitizer + UndefinedBehaviorSanitizer (gcc) and run
# the test suite under it. Any report fails the run.
#
#   bash tools/sanitize.sh [pytest arguments]
#
# Python itself is not instrumented, so the ASan runtime is preloaded; leak
# detection is off because the interpreter keeps memory until exit by design
# (bench/leaks.py checks fastmel's own growth instead).
set -euo pipefail
cd "$(dirname "$0")/.."

venv=${SANITIZE_VENV:-.sanitize-venv}
python3 -m venv "$venv"
"$venv/bin/python" -m pip install --upgrade pip >/dev/null
"$venv/bin/pip" install '.[test]' -Ccmake.define.FASTMEL_SANITIZE=ON \
    -Cbuild-dir=build/sanitize -Ccmake.build-type=RelWithDebInfo

asan=$(gcc -print-file-name=libasan.so)
ubsan=$(gcc -print-file-name=libubsan.so)
export LD_PRELOAD="$asan:$ubsan"
# allocator_may_return_null: an impossible allocation must fail as in production
# (numpy then raises MemoryError), not abort the run.
export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1:allocator_may_return_null=1:strict_string_checks=1:detect_stack_use_after_return=1
export UBSAN_OPTIONS=halt_on_error=1:print_stacktrace=1
# Hypothesis runs fewer examples under the sanitizer's slowdown (tests/conftest.py).
export FASTMEL_HYPOTHESIS_PROFILE=${FASTMEL_HYPOTHESIS_PROFILE:-sanitize}
"$venv/bin/python" -m pytest -q -p no:cacheprovider "$@"
