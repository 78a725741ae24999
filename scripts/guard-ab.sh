#!/bin/bash
# guard-ab.sh OLDREV [NEWREV]: in-process A/B of internal/guard's speed.
#
# Copies the non-test sources of internal/guard at OLDREV and at NEWREV (or
# the work tree) into two temporary packages, builds one test binary holding
# both, and alternates them on the same events (BenchmarkGuardClean's and
# BenchmarkGuardIngestEvent's shapes, memo off) in 80 rounds of ~20 ms,
# timing each with the thread's CPU clock. Load from other processes then
# hits both sides alike; the median of the per-round ratios is the figure.
# AB_ROUNDS=N sets the number of rounds (default 80): a 2% difference needs
# a few hundred on a loaded machine.
set -euo pipefail
top=$(git rev-parse --show-toplevel)
old=$1
new=${2:-worktree}
d=$top/internal/zzab
tmp=$(mktemp -d)
trap 'rm -rf "$d" "$tmp"' EXIT
rm -rf "$d"
mkdir -p "$d/old" "$d/new"
copy() { # rev dest
	if [ "$1" = worktree ]; then src=$top/internal/guard; else
		mkdir -p "$tmp/$1"
		git -C "$top" archive "$1" internal/guard | tar -x -C "$tmp/$1"
		src=$tmp/$1/internal/guard
	fi
	for f in "$src"/*.go; do case $f in *_test.go) ;; *) cp "$f" "$2/" ;; esac; done
	printf 'package guard\n\n// SetMemoOff is for the A/B harness only.\nfunc SetMemoOff(b bool) { memoOff = b }\n' >"$2/zz_ab.go"
}
copy "$old" "$d/old"
copy "$new" "$d/new"
cp "$top/scripts/guard-ab/harness_test.go.txt" "$d/harness_test.go"
cd "$top" && go test -count=1 -run TestAB -v ./internal/zzab/ | grep -E 'cpu-MB|FAIL|panic'
cut -d' ' -f1-3 /proc/loadavg
