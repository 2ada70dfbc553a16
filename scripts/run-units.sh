#!/usr/bin/env bash
# Runs every cmocka unit test binary given and prints one closing line with the counts.
set -u
passed=0; failed=0; failed_names=()
for t in "$@"; do
  if out=$("$t" 2>&1); then
    n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    passed=$((passed + ${n:-0}))
  else
    printf '%s\n' "$out"
    n=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    failed=$((failed + ${n:-1})); failed_names+=("$t")
    n=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -1)
    passed=$((passed + ${n:-0}))
  fi
done
[ ${#failed_names[@]} -gt 0 ] && echo "failed binaries: ${failed_names[*]}"
echo "unit tests: $passed passed, $failed failed"
[ "$failed" -eq 0 ]
