#!/bin/sh
# study.t - two seeds of every committed scan of examples/study re-run from
# their records' recipe to the same weight hash (examples/study/rerun.sh)
set -u
B=${SV_BUILD:-$(pwd)/build}
S=examples/study
if [ -n "${SV_WRAP:-}" ]; then
	echo "1..0 # SKIP re-running the study's seeds under SV_WRAP takes too long"
	exit 0
fi
set -- all init order split aug transfer scratch
for s; do
	if [ ! -f "$S/scans/$s.tsv" ]; then
		echo "1..1"
		echo "not ok 1 - $S/scans/$s.tsv is committed"
		exit 1
	fi
done
cd "$S" && SV_BIN="$B/" sh rerun.sh $(for s; do echo "scans/$s.tsv"; done)
