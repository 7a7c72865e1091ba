#!/bin/sh
# parallel-scan.sh - a seed scan sharded over processes with GNU parallel
#
#   parallel-scan.sh [-n SEEDS] [-f FIRST] [-p PROCS] [-o DIR] [sv-train options]
#
# Shard k of PROCS trains the seeds FIRST+k, FIRST+k+PROCS, ... with one
# thread (sv-train -j 1: one process per core scales better than threads
# for small models, and the weights are the same bits either way) into
# DIR/shard-k.tsv.  Every shard runs with --resume, so running the same
# command again after a crash or a kill trains only the missing seeds.
# The shards are then read as one scan: cat DIR/shard-*.tsv | sv-stats.
#
# Example (a quick one):
#   parallel-scan.sh -n 40 -o scan -- -m mlp --train-size 2000
set -eu

seeds=100 first=0 procs=$(nproc) dir=scan
while getopts n:f:p:o: opt; do
	case $opt in
	n) seeds=$OPTARG ;;
	f) first=$OPTARG ;;
	p) procs=$OPTARG ;;
	o) dir=$OPTARG ;;
	*) echo "usage: $0 [-n SEEDS] [-f FIRST] [-p PROCS] [-o DIR] [sv-train options]" >&2
	   exit 2 ;;
	esac
done
shift $((OPTIND - 1))
command -v parallel > /dev/null || { echo "$0: GNU parallel is needed" >&2; exit 3; }
command -v sv-train > /dev/null || { echo "$0: sv-train is not on PATH" >&2; exit 3; }
[ "$procs" -le "$seeds" ] || procs=$seeds

mkdir -p "$dir"
last=$((first + seeds - 1))
# {} is the shard number.  The sv-train options reach the jobs through
# the environment, split on blanks (keep them free of quoted spaces).
SV_TRAIN_ARGS="$*"
export SV_TRAIN_ARGS
seq 0 $((procs - 1)) |
	parallel --will-cite --halt now,fail=1 -j "$procs" \
	    "seq \$(($first + {})) $procs $last |
	     sv-train -q -j 1 -o '$dir/shard-{}.tsv' --resume \$SV_TRAIN_ARGS"

echo "$0: $(cat "$dir"/shard-*.tsv | grep -c '^[0-9]') records in $dir/shard-*.tsv" >&2
cat "$dir"/shard-*.tsv | sv-stats
