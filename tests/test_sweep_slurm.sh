#!/usr/bin/env bash
# simgrad sweep --emit slurm on a real one-node Slurm cluster: start munged, slurmctld and
# slurmd on localhost from a generated minimal slurm.conf (no cgroups, state in a temp dir),
# submit the emitted job array and its dependent merge job with the emitted submit-slurm.sh,
# wait for both by polling squeue, then check results.csv has every run, the merge job wrote
# the sweep report, and a resubmitted array skips every complete run. The daemons are
# stopped on exit. Needs root (slurmd) and Debian's slurmctld, slurmd, slurm-client, munge
# (tools/setup.sh installs them); without them the test fails and says why.
. "$(dirname "$0")/lib.sh"
bin=$(readlink -f "$bin")

stop_daemons() {
    for f in "$tmp/slurmd.pid" "$tmp/slurmctld.pid" "$tmp/munge/munged.pid"; do
        [ -s "$f" ] && kill "$(cat "$f")" 2>/dev/null
    done
    sleep 1
}
trap 'stop_daemons; [ -n "${KEEP:-}" ] || rm -rf "$tmp"' EXIT
die() {
    echo "FAIL $1"
    for log in "$tmp"/log/*.log; do [ -s "$log" ] && { echo "--- $log"; tail -15 "$log"; }; done
    exit 1
}

for c in munged slurmctld slurmd sbatch squeue sinfo; do
    command -v "$c" >/dev/null ||
        die "$c is not installed (Debian: slurmctld slurmd slurm-client munge; tools/setup.sh installs them)"
done
[ "$(id -u)" -eq 0 ] || die "slurmd must run as root to start jobs; run this test as root"

# ---- a one-node cluster on localhost -----------------------------------------------------
chmod 755 "$tmp"
mkdir -p "$tmp/munge" "$tmp/state" "$tmp/spool" "$tmp/log"
chmod 700 "$tmp/munge"
dd if=/dev/urandom of="$tmp/munge/munge.key" bs=1024 count=1 status=none
chmod 600 "$tmp/munge/munge.key"
munged -f --socket="$tmp/munge/sock" --key-file="$tmp/munge/munge.key" \
    --pid-file="$tmp/munge/munged.pid" --seed-file="$tmp/munge/seed" \
    --log-file="$tmp/log/munged.log" || die "munged did not start"
chmod 755 "$tmp/munge" # the socket must be reachable; the key stays 600

node=$(hostname -s)
port=$((20000 + $$ % 20000))
cat >"$tmp/slurm.conf" <<EOF
ClusterName=simgradtest
SlurmctldHost=$node(127.0.0.1)
SlurmctldPort=$port
SlurmdPort=$((port + 1))
SlurmUser=root
SlurmdUser=root
AuthType=auth/munge
CredType=cred/munge
AuthInfo=socket=$tmp/munge/sock
StateSaveLocation=$tmp/state
SlurmdSpoolDir=$tmp/spool
SlurmctldPidFile=$tmp/slurmctld.pid
SlurmdPidFile=$tmp/slurmd.pid
SlurmctldLogFile=$tmp/log/slurmctld.log
SlurmdLogFile=$tmp/log/slurmd.log
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
MpiDefault=none
ReturnToService=2
# no more CPUs or memory than the machine has, or slurmd would drain the node
NodeName=$node NodeAddr=127.0.0.1 CPUs=$(nproc) RealMemory=100 State=UNKNOWN
PartitionName=test Nodes=ALL Default=YES MaxTime=INFINITE State=UP
EOF
export SLURM_CONF=$tmp/slurm.conf
slurmctld -i || die "slurmctld did not start"
slurmd || die "slurmd did not start"
for _ in $(seq 60); do
    [ "$(sinfo -h -o %T 2>/dev/null)" = idle ] && break
    sleep 0.5
done
[ "$(sinfo -h -o %T 2>/dev/null)" = idle ] || die "the Slurm node never became idle: $(sinfo 2>&1)"

# ---- the sweep ---------------------------------------------------------------------------
cat >"$tmp/base.json" <<'JSON'
{"seed": 4, "platform": {"type": "star", "hosts": 6},
 "stragglers": {"model": "iid", "p": 0.1, "slowdown": 5},
 "workload": {"model": "lsq", "dataset": "synthetic", "samples": 600, "features": 4},
 "algorithm": {"family": "ps-sgd", "rounds": 10}}
JSON
cat >"$tmp/sweep.json" <<'JSON'
{"base": "base.json", "grid": {"platform.host_bw": ["1Gbps", "10Gbps"], "stragglers.p": [0.1, 0.3]},
 "replicas": 2, "metric": ["simulated_time_s", "final_train_loss"]}
JSON
cd "$tmp" || exit 1
out=$("$bin" sweep sweep.json --emit slurm --out "$tmp/sw" 2>&1)
check emit $? "$out"
grep -q '^#SBATCH --array=0-7$' sw/sweep.sbatch
check array_of_8 $? "$(cat sw/sweep.sbatch)"
[ -x sw/submit-slurm.sh ] && grep -q -- "--merge" sw/merge.sbatch
check merge_and_submit_scripts $?

# wait until none of the jobs is pending or running (no accounting database: squeue only)
wait_jobs() {
    for _ in $(seq 180); do
        [ -z "$(squeue -h -j "$1" -o %i 2>/dev/null)" ] && return 0
        sleep 0.5
    done
    return 1
}
ids=$(sw/submit-slurm.sh 2>&1)
check submit $? "$ids"
array=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\)$/\1/p' <<<"$ids")
merge=$(sed -n 's/^array job \([0-9]*\), merge job \([0-9]*\)$/\2/p' <<<"$ids")
[ -n "$array" ] && [ -n "$merge" ] || die "no job ids from submit-slurm.sh: $ids"
wait_jobs "$array,$merge"
check jobs_finish_within_90s $? "$(squeue 2>&1)"

[ "$(ls sw/slurm/run-*.out 2>/dev/null | wc -l)" -eq 8 ]
check one_task_per_run $? "$(ls sw/slurm)"
grep -q "8 of 8 runs complete" sw/slurm/merge.out
check merge_job_ran_after_the_array $? "$(cat sw/slurm/merge.out 2>&1)"
[ "$(grep -c ',true,' sw/results.csv)" -eq 8 ] && [ "$(wc -l <sw/results.csv)" -eq 9 ]
check results_has_every_run $? "$(cat sw/results.csv 2>&1)"
grep -q '^run-0003,"10Gbps",0.1,5,true' sw/results.csv
check same_runs_as_local $?
for f in sweep_simulated_time_s_vs_platform_host_bw sweep_final_train_loss_vs_stragglers_p; do
    [ -s "sw/$f.png" ] && [ -s "sw/$f.svg" ]
    check "plot_$f" $?
done
grep -q "final_train_loss (training loss), mean ± 95% CI" sw/report.md && [ -s sw/report.html ]
check report $?

# resubmitted, the array finds every run complete
rm sw/slurm/run-*.out
array2=$(sbatch --parsable sw/sweep.sbatch)
wait_jobs "${array2%%;*}"
[ "$(cat sw/slurm/run-*.out | grep -c 'is complete, skipped')" -eq 8 ]
check resubmit_skips_complete_runs $? "$(cat sw/slurm/run-*.out 2>&1)"

finish
