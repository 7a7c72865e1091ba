#!/bin/bash
# check.sh - examples/slurm-array.sh on a real one-node Slurm cluster.
#
# Starts munged, slurmctld and slurmd on this machine (no systemd: the
# daemons run in the foreground as children of this script, with a
# slurm.conf generated in a temporary folder from the node's real CPU
# count and memory, private ports and a private munge socket), submits
# the array example with a small scan (SEEDS seeds over TASKS tasks),
# requeues one task while it is training (scontrol requeue), waits for
# the array, and checks that the merged shards hold every seed exactly
# once and equal a single-process scan bit for bit (seed, init_hash,
# hash, acc, sorted by seed).  Every daemon it started is stopped on exit,
# also on failure or interrupt.  Installs slurm-wlm and munge from Debian
# when they are missing.  Needs root.  Prints TAP; exit 0 all passed, 1 a
# check failed, 3 the cluster could not be set up.
#
#   SV_BUILD   folder with the programs (default ./build)
#   SEEDS=12 TASKS=3 EPOCHS=40 ARGS='-m mlp -d synthetic:n=500,test=100'
#   TIMEOUT=240   seconds the array may take
set -eu
cd "$(dirname "$0")/../.."
B=$(cd "${SV_BUILD:-build}" && pwd)
SEEDS=${SEEDS:-12}
TASKS=${TASKS:-3}
EPOCHS=${EPOCHS:-40}
ARGS=${ARGS:--m mlp -d synthetic:n=500,test=100}
TIMEOUT=${TIMEOUT:-240}
t0=$SECONDS

n=0
fail=0
ok() {
	n=$((n + 1))
	if [ "$1" = 0 ]; then
		echo "ok $n - $2"
	else
		echo "not ok $n - $2"
		fail=1
	fi
}
diag() { sed 's/^/# /' "$@"; }
die() { echo "check-slurm: $*" >&2; echo "Bail out! $*"; exit 3; }

[ "$(id -u)" = 0 ] || die "needs root (it starts munged, slurmctld and slurmd)"
for c in "$B/sv-train" "$B/sv-hash"; do
	[ -x "$c" ] || die "$c not built (run make first)"
done

# --- Slurm and munge from Debian
if ! command -v slurmctld > /dev/null || ! command -v slurmd > /dev/null ||
   ! command -v sbatch > /dev/null || ! command -v munged > /dev/null ||
   ! command -v mungekey > /dev/null; then
	echo "# installing slurm-wlm and munge"
	export DEBIAN_FRONTEND=noninteractive
	if [ -z "${SV_APT_UPDATED:-}" ]; then apt-get update -qq; fi
	apt-get install -y -qq --no-install-recommends slurm-wlm munge > /dev/null ||
		die "apt-get install slurm-wlm munge failed"
fi
PATH=$PATH:/usr/sbin:/sbin

T=$(mktemp -d /tmp/sv-slurm.XXXXXX)
chmod 755 "$T"    # munge clients reach the socket through it
pids=""
jid=""
cleanup() {
	rc=$?
	set +e
	if [ -n "$jid" ] && [ -n "$(squeue -h -j "$jid" 2> /dev/null)" ]; then
		scancel "$jid" 2> /dev/null
		for _ in $(seq 50); do
			[ -z "$(squeue -h -j "$jid" 2> /dev/null)" ] && break
			sleep 0.2
		done
	fi
	# the daemons, newest first: slurmd, slurmctld, munged
	for p in $pids; do kill "$p" 2> /dev/null; done
	for p in $pids; do
		for _ in $(seq 50); do kill -0 "$p" 2> /dev/null || break; sleep 0.2; done
		kill -0 "$p" 2> /dev/null && kill -9 "$p" 2> /dev/null
		wait "$p" 2> /dev/null
	done
	# on failure the logs; the daemons' own output when setting up failed
	if [ $rc != 0 ] || [ $fail != 0 ]; then
		logs=$T/log/*.log
		[ $rc = 3 ] && logs="$logs $T/log/*.out"
		for f in $logs; do
			[ -f "$f" ] || continue
			echo "# --- ${f##*/} (last lines)"
			tail -15 "$f" | diag
		done
	fi
	rm -rf "$T"
	echo "# check-slurm: $((SECONDS - t0)) s"
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM HUP

# wait_for PID SECONDS WHAT COMMAND...: poll COMMAND every 0.2 s until it
# succeeds; fail after SECONDS or when process PID (- for none) has ended
wait_for() {
	local pid=$1 limit=$2 what=$3 end=$((SECONDS + $2))
	shift 3
	until "$@"; do
		if [ "$pid" != - ] && ! kill -0 "$pid" 2> /dev/null; then
			echo "# $what: the daemon exited"
			return 1
		fi
		if [ $SECONDS -ge $end ]; then
			echo "# timed out after $limit s waiting for $what"
			return 1
		fi
		sleep 0.2
	done
}

# free_port FROM: the first TCP port from FROM on that nothing listens to
free_port() {
	local p=$1
	while (exec 3<> "/dev/tcp/127.0.0.1/$p") 2> /dev/null; do p=$((p + 1)); done
	echo "$p"
}

mkdir -p "$T/munge" "$T/sock" "$T/state" "$T/spool" "$T/log" "$T/run" "$T/scan"
chmod 700 "$T/munge"
chmod 755 "$T/sock"

# --- munge: a private key and socket
mungekey -c -k "$T/munge/munge.key" 2> "$T/log/mungekey.log" ||
	die "mungekey failed: $(cat "$T/log/mungekey.log")"
munged -F --socket="$T/sock/munge.socket" --key-file="$T/munge/munge.key" \
	--pid-file="$T/munge/munged.pid" --seed-file="$T/munge/munged.seed" \
	> "$T/log/munged.log" 2>&1 &
pids="$! $pids"
wait_for $! 20 "munged" test -S "$T/sock/munge.socket" || die "munged did not start"

# --- slurm.conf: this node, its real CPUs and memory
host=$(hostname -s)
node=$(slurmd -C | sed -n 's/^NodeName=[^ ]* //p')
case $node in
*CPUs=*RealMemory=*) ;;
*) die "slurmd -C gave no node configuration" ;;
esac
ctldport=$(free_port 16817)
slurmdport=$(free_port $((ctldport + 1)))
cat > "$T/slurm.conf" <<EOC
ClusterName=svcheck
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$ctldport
SlurmdPort=$slurmdport
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
AuthInfo=socket=$T/sock/munge.socket
CredType=cred/munge
StateSaveLocation=$T/state
SlurmdSpoolDir=$T/spool
SlurmctldPidFile=$T/run/slurmctld.pid
SlurmdPidFile=$T/run/slurmd.pid
SlurmctldLogFile=$T/log/slurmctld.log
SlurmdLogFile=$T/log/slurmd.log
SlurmctldDebug=info
SlurmdDebug=info
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core_Memory
SchedulerType=sched/backfill
SchedulerParameters=sched_interval=2,bf_interval=1
MpiDefault=none
ReturnToService=2
MinJobAge=600
NodeName=$host NodeAddr=127.0.0.1 $node State=UNKNOWN
PartitionName=check Nodes=$host Default=YES MaxTime=INFINITE State=UP
EOC
export SLURM_CONF=$T/slurm.conf
echo "# node: $node"

slurmctld -D -i -f "$T/slurm.conf" > "$T/log/slurmctld.out" 2>&1 &
pids="$! $pids"
wait_for $! 30 "slurmctld" eval 'scontrol ping 2> /dev/null | grep -q UP' ||
	die "slurmctld did not start"
slurmd -D -f "$T/slurm.conf" > "$T/log/slurmd.out" 2>&1 &
pids="$! $pids"
wait_for $! 30 "the node to be idle" eval 'sinfo -h -n "$host" -o %t | grep -qx idle' ||
	die "slurmd did not register (sinfo: $(sinfo -h -o '%t %E' 2>&1))"
ok 0 "a one-node cluster is up ($host: $(sinfo -h -o '%c CPUs, %m MB'))"

# --- the checks: a failed one is a 'not ok' line, not the end
set +e

# --- the reference: one process, every seed
# shellcheck disable=SC2086
seq 0 $((SEEDS - 1)) | "$B/sv-train" -q -j 1 $ARGS --epochs "$EPOCHS" > "$T/ref.tsv"
ok $? "single-process scan of $SEEDS seeds"

# --- the array: the example's 4 CPUs, 4G and 4 hours overridden, the
# CPUs on the command line, memory and time through sbatch's environment
export PATH="$B:$PATH"
# shellcheck disable=SC2086
jid=$(SEEDS=$SEEDS DIR=$T/scan SBATCH_MEM_PER_NODE=256M SBATCH_TIMELIMIT=10 \
	sbatch --parsable -c 1 --array=0-$((TASKS - 1)) --output="$T/log/task-%A_%a.log" \
	--chdir="$T/run" examples/slurm-array.sh $ARGS --epochs "$EPOCHS" 2> "$T/sbatch.err")
rc=$?
ok $rc "SBATCH_MEM_PER_NODE=256M SBATCH_TIMELIMIT=10 sbatch -c 1 --array=0-$((TASKS - 1)) examples/slurm-array.sh (job ${jid%%;*})"
[ $rc = 0 ] || { diag "$T/sbatch.err"; echo "1..$n"; exit 1; }
jid=${jid%%;*}
scontrol -o show job "${jid}_0" > "$T/job0" 2>&1
grep -q ' MinMemoryNode=256M ' "$T/job0" && grep -q ' TimeLimit=00:10:00 ' "$T/job0" &&
	grep -Eq ' (CPUs/Task|MinCPUsNode)=1 ' "$T/job0"
r=$?
ok $r "the tasks ask for 1 CPU, 256M, 10 minutes"
[ $r = 0 ] || diag "$T/job0"

# records FILE: the number of complete records in FILE
records() {
	local c=0
	[ -f "$1" ] && c=$(grep -c '^[0-9]' "$1")
	echo "${c:-0}"
}
# state TASK: the state of one array task
state() { squeue -h -j "${jid}_$1" -o %T 2> /dev/null | head -1; }

# --- requeue a task that is training: it has written at least one seed
# of its share and not all of them
req=""
end=$((SECONDS + TIMEOUT))
while [ -z "$req" ] && [ $SECONDS -lt $end ]; do
	for i in $(seq 0 $((TASKS - 1))); do
		k=$(records "$T/scan/shard-$i.tsv")
		share=$(( (SEEDS - i + TASKS - 1) / TASKS ))
		if [ "$k" -ge 1 ] && [ "$k" -lt "$share" ] && [ "$(state "$i")" = RUNNING ]; then
			scontrol requeue "${jid}_$i" 2> "$T/requeue.err" && req=$i && break
		fi
	done
	[ -n "$(squeue -h -j "$jid" 2> /dev/null)" ] || break
	sleep 0.1
done
[ -n "$req" ]
ok $? "scontrol requeue of a task while it trains (task ${req:-none}, after $k of its $share seeds)"
[ -n "$req" ] || diag "$T/requeue.err" 2> /dev/null
# Slurm holds a requeued job for two minutes (reason BeginTime): once it
# is pending again, let it start now
if [ -n "$req" ]; then
	wait_for - 30 "task $req to be pending" eval '[ "$(state "$req")" = PENDING ]'
	scontrol update jobid="${jid}_$req" StartTime=now
	ok $? "task $req pending again (reason BeginTime), released: scontrol update StartTime=now"
fi

# --- wait for the whole array
wait_for - $((end - SECONDS > 0 ? end - SECONDS : 1)) "job $jid" \
	eval '[ -z "$(squeue -h -j "$jid" 2> /dev/null)" ]'
ok $? "the array finishes within $TIMEOUT s"
scontrol -o show job "$jid" > "$T/jobs" 2>&1
bad=$(grep -v 'JobState=COMPLETED' "$T/jobs" | grep -c . || true)
[ "$(grep -c 'JobState=COMPLETED' "$T/jobs")" = "$TASKS" ] && [ "$bad" = 0 ]
r=$?
ok $r "all $TASKS tasks COMPLETED"
[ $r = 0 ] || sed 's/ \(JobId=[^ ]*\).* \(JobState=[^ ]*\).*/\1 \2/' "$T/jobs" | diag
if [ -n "$req" ]; then
	grep "ArrayTaskId=$req " "$T/jobs" | grep -q 'Restarts=1 '
	ok $? "task $req ran twice (Restarts=1)"
fi

# --- nothing lost or doubled, and the same bits as one process
# cols FILE...: seed, init_hash, hash and acc of every record, by name
cols() {
	awk -F '\t' '
		/^#[^ ]/ { for (i = 1; i <= NF; i++) c[i == 1 ? substr($i, 2) : $i] = i; next }
		/^#/ { next }
		{ print $c["seed"] "\t" $c["init_hash"] "\t" $c["hash"] "\t" $c["acc"] }' "$@" |
		sort -n -k1,1
}
cat "$T"/scan/shard-*.tsv > "$T/merged.tsv"
cols "$T/merged.tsv" > "$T/got"
cols "$T/ref.tsv" > "$T/want"
[ "$(cut -f1 "$T/got" | sort -n | uniq -d | wc -l)" = 0 ]
ok $? "no seed twice in the merged shards"
diff <(seq 0 $((SEEDS - 1))) <(cut -f1 "$T/got" | sort -nu) > "$T/diff"
ok $? "every seed 0..$((SEEDS - 1)) in the merged shards"
diag "$T/diff"
[ "$(wc -l < "$T/want")" = "$SEEDS" ] && diff "$T/want" "$T/got" > "$T/diff"
ok $? "merged shards equal the single-process scan (seed, init_hash, hash, acc)"
diag "$T/diff"
"$B/sv-hash" --records "$T/ref.tsv" "$T/merged.tsv" > "$T/hash" 2>&1
ok $? "sv-hash --records: the same weights seed by seed"
[ $fail = 0 ] || diag "$T/hash"

echo "1..$n"
if [ $fail = 0 ]; then
	echo "# check-slurm: PASS"
else
	echo "# check-slurm: FAIL"
fi
exit $fail
