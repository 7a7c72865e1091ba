#!/bin/bash
# slurm-array.sh - a seed scan as a Slurm job array, one shard per task
#
#   sbatch --array=0-9 slurm-array.sh              # 10 shards of 1000 seeds
#   SEEDS=500 DIR=scan-lr sbatch --array=0-4 slurm-array.sh --lr 0.02
#
# Task i of N trains the seeds FIRST+i, FIRST+i+N, ... into
# DIR/shard-i.tsv with --resume, so a task that is preempted and requeued
# (--requeue) continues where it stopped instead of starting over; the
# weights go to DIR/ckpt.  The weights do not depend on the thread count,
# so tasks may land on nodes with different core counts.
#
# Resources: the #SBATCH lines below are defaults for a mid-sized node
# (4 CPUs, 4G, 4 hours).  A job that asks for more than a node has pends
# or is refused, so set them for your cluster; sbatch's own options win
# over the #SBATCH lines:
#   sbatch -c 2 --mem=1G --time=1:00:00 --array=0-9 slurm-array.sh
# or, for memory and time, sbatch's environment variables:
#   SBATCH_MEM_PER_NODE=1G SBATCH_TIMELIMIT=1:00:00 sbatch --array=0-9 slurm-array.sh
# (-c / --cpus-per-task has no such variable: give it on the command line.)
# Each task trains with as many threads as it got CPUs.
#
# When every task has finished:
#   cat DIR/shard-*.tsv | sv-stats --all
# or let Slurm run it:
#   jid=$(sbatch --parsable --array=0-9 slurm-array.sh)
#   sbatch --dependency=afterok:$jid --wrap 'cat scan/shard-*.tsv | sv-stats --all > scan/stats.txt'
#
#SBATCH --job-name=sv-scan
#SBATCH --cpus-per-task=4
#SBATCH --mem=4G
#SBATCH --time=04:00:00
#SBATCH --requeue
#SBATCH --open-mode=append
#SBATCH --output=sv-scan-%A_%a.log
set -euo pipefail

SEEDS=${SEEDS:-1000}
FIRST=${FIRST:-0}
DIR=${DIR:-scan}
: "${SLURM_ARRAY_TASK_ID:?submit with sbatch --array}"
tasks=${SLURM_ARRAY_TASK_COUNT:-1}
task=$((SLURM_ARRAY_TASK_ID - ${SLURM_ARRAY_TASK_MIN:-0}))
threads=${SLURM_CPUS_PER_TASK:-1}

mkdir -p "$DIR"
seq $((FIRST + task)) "$tasks" $((FIRST + SEEDS - 1)) |
	sv-train -q -j "$threads" --count $(( (SEEDS - task + tasks - 1) / tasks )) \
	    -o "$DIR/shard-$task.tsv" --resume --save "$DIR/ckpt" "$@"
