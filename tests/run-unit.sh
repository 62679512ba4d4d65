#!/bin/sh
# run-unit.sh - run each cmocka unit-test binary given; print one tally line.
# Exit status is non-zero when any binary fails.
pass=0
fail=0
for t in "$@"; do
	out=$("$t" 2>&1)
	rc=$?
	# cmocka prints "[  PASSED  ] N test(s)." and "[  FAILED  ] N test(s)".
	p=$(printf '%s\n' "$out" | sed -n 's/^\[  PASSED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	f=$(printf '%s\n' "$out" | sed -n 's/^\[  FAILED  \] \([0-9]*\) test.*/\1/p' | tail -n 1)
	pass=$((pass + ${p:-0}))
	fail=$((fail + ${f:-0}))
	if [ $rc -ne 0 ]; then
		printf '%s\n' "$out" >&2
		echo "FAIL: $t (exit $rc)" >&2
		[ "${f:-0}" -eq 0 ] && fail=$((fail + 1))
	fi
done
echo "unit: $pass passed, $fail failed"
[ $fail -eq 0 ]
