#!/usr/bin/env bash
# A real Slurm cluster on one machine, for sluice's Slurm tests and for trying the executor by hand.
#
#   tests/slurm/local-cluster.sh start    install the packages if missing (as root), start munged,
#                                         slurmctld and one slurmd per node; prints `export SLURM_CONF=...`
#   tests/slurm/local-cluster.sh stop     cancel every job, stop the daemons by the pids they recorded
#   tests/slurm/local-cluster.sh status   daemons and nodes
#
# No systemd, no cgroups, no accounting database: the daemons run as plain background processes and
# everything (config, munge key and socket, state, logs) lives under one directory. Settings:
#   SLURM_LOCAL_DIR        where everything lives              (default /tmp/sluice-slurm)
#   SLURM_LOCAL_NODES      logical nodes (one slurmd each)     (default 2)
#   SLURM_LOCAL_CPUS       CPUs each node advertises           (default 2)
#   SLURM_LOCAL_PORT       slurmctld port; slurmd use the next (default 6817)
#   SLURM_LOCAL_KEEP_STATE=1  keep jobs and the job-id counter across a restart
# Measured facts behind each setting: see README "Slurm" and the comments below.
set -euo pipefail

D=${SLURM_LOCAL_DIR:-/tmp/sluice-slurm}
NODES=${SLURM_LOCAL_NODES:-2}
CPUS=${SLURM_LOCAL_CPUS:-2}
PORT=${SLURM_LOCAL_PORT:-6817}
CONF=$D/etc/slurm.conf
export SLURM_CONF=$CONF
PACKAGES=(slurmctld slurmd slurm-client munge)

say() { echo "local-cluster: $*" >&2; }
die() { say "$*"; exit 1; }

node_names() { for i in $(seq 1 "$NODES"); do echo "c$i"; done; }

pid_of() { [ -s "$1" ] && cat "$1" || true; }

# A daemon counts as gone when its pid is free or a zombie: this sandbox's init reaps late (about 2 s).
alive() {
  local pid=$1 state
  [ -n "$pid" ] && [ -r "/proc/$pid/stat" ] || return 1
  state=$(sed 's/^.*) //' "/proc/$pid/stat" | cut -d' ' -f1)
  [ "$state" != Z ]
}

wait_for() { # wait_for SECONDS DESCRIPTION COMMAND...
  local deadline=$((SECONDS + $1)) what=$2; shift 2
  until "$@" >/dev/null 2>&1; do
    [ $SECONDS -lt $deadline ] || die "timed out waiting for $what (logs: $D/log)"
    sleep 0.1
  done
}

install_packages() {
  local missing=()
  for p in "${PACKAGES[@]}"; do dpkg -s "$p" >/dev/null 2>&1 || missing+=("$p"); done
  [ ${#missing[@]} -eq 0 ] && return 0
  [ "$(id -u)" -eq 0 ] || die "missing Debian packages: ${missing[*]} (as root: apt-get install --no-install-recommends ${missing[*]})"
  say "installing ${missing[*]}"
  # Keep the packages' postinst from starting system-wide munge/slurm services on a systemd host.
  local guard=
  if [ ! -e /usr/sbin/policy-rc.d ]; then
    printf '#!/bin/sh\nexit 101\n' > /usr/sbin/policy-rc.d && chmod 755 /usr/sbin/policy-rc.d && guard=1
  fi
  export DEBIAN_FRONTEND=noninteractive
  local rc=0
  apt-get update -qq && apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null || rc=$?
  [ -z "$guard" ] || rm -f /usr/sbin/policy-rc.d
  return $rc
}

write_config() {
  local host user mem
  host=$(hostname -s)
  user=$(id -un)
  mem=$(awk '/^MemTotal:/ {print int($2 / 1024)}' /proc/meminfo)
  {
    cat <<EOF
ClusterName=sluice-local
SlurmctldHost=$host(127.0.0.1)
SlurmctldPort=$PORT
SlurmUser=$user
SlurmdUser=$user
AuthType=auth/munge
AuthInfo=socket=$D/run/munge.socket
CredType=cred/munge
StateSaveLocation=$D/state
SlurmdSpoolDir=$D/spool/%n
SlurmctldPidFile=$D/run/slurmctld.pid
SlurmdPidFile=$D/run/slurmd-%n.pid
SlurmctldLogFile=$D/log/slurmctld.log
SlurmdLogFile=$D/log/slurmd-%n.log
SlurmctldDebug=info
SlurmdDebug=info
# no cgroups here: track job processes through /proc and bind nothing
ProctrackType=proctrack/linuxproc
TaskPlugin=task/none
# no accounting database (as on many clusters, for users): sluice must not need sacct
JobAcctGatherType=jobacct_gather/none
AccountingStorageType=accounting_storage/none
JobCompType=jobcomp/filetxt
JobCompLoc=$D/log/jobcomp.txt
SchedulerType=sched/backfill
# without this, every submit and every afterok hop waits for the 3 s batch_sched_delay cadence
SchedulerParameters=batch_sched_delay=0,sched_min_interval=0,bf_interval=1
SelectType=select/cons_tres
SelectTypeParameters=CR_Core
# lets the nodes advertise more CPUs than the machine has
SlurmdParameters=config_overrides
MpiDefault=none
SwitchType=switch/none
MailProg=/bin/true
ReturnToService=2
MinJobAge=300
MaxArraySize=100001
MaxJobCount=200000
EOF
    local i=0
    for n in $(node_names); do
      i=$((i + 1))
      echo "NodeName=$n NodeHostname=$host NodeAddr=127.0.0.1 Port=$((PORT + i)) CPUs=$CPUS RealMemory=$mem State=UNKNOWN"
    done
    echo "PartitionName=debug Nodes=ALL Default=YES MaxTime=INFINITE State=UP"
  } > "$CONF"
}

running() {
  alive "$(pid_of "$D/run/slurmctld.pid")" || return 1
  for n in $(node_names); do alive "$(pid_of "$D/run/slurmd-$n.pid")" || return 1; done
}

all_idle() { [ "$(sinfo -h -N -o %T | sort -u)" = idle ]; }

start() {
  if [ -f "$CONF" ] && running; then
    echo "export SLURM_CONF=$CONF"
    return 0
  fi
  stop_daemons
  install_packages
  if [ "${SLURM_LOCAL_KEEP_STATE:-}" != 1 ]; then rm -rf "$D"; fi
  mkdir -p "$D"/{etc,run,log,state,munge}
  # slurmd does not create its spool directory; without it the job socket cannot be made
  for n in $(node_names); do mkdir -p "$D/spool/$n"; done
  chmod 700 "$D/munge"
  if [ ! -s "$D/munge/munge.key" ]; then
    dd if=/dev/urandom of="$D/munge/munge.key" bs=1024 count=1 status=none
    chmod 400 "$D/munge/munge.key"
  fi
  write_config
  munged --key-file="$D/munge/munge.key" --socket="$D/run/munge.socket" --pid-file="$D/run/munged.pid" \
    --log-file="$D/log/munged.log" --seed-file="$D/munge/munged.seed"
  munge -n -S "$D/run/munge.socket" | unmunge -S "$D/run/munge.socket" >/dev/null || die "munge does not work (log: $D/log/munged.log)"
  slurmctld -f "$CONF"
  wait_for 20 "slurmctld to answer" sh -c 'scontrol ping | grep -q UP'
  for n in $(node_names); do slurmd -f "$CONF" -N "$n"; done
  wait_for 20 "every node to be idle" all_idle
  say "up: $NODES node(s) x $CPUS CPUs under $D"
  echo "export SLURM_CONF=$CONF"
}

stop_pid() { # stop_pid PIDFILE: TERM, then KILL after 10 s
  local pid
  pid=$(pid_of "$1")
  alive "$pid" || { rm -f "$1"; return 0; }
  kill -TERM "$pid" 2>/dev/null || true
  local deadline=$((SECONDS + 10))
  while alive "$pid"; do
    if [ $SECONDS -ge $deadline ]; then kill -KILL "$pid" 2>/dev/null || true; fi
    sleep 0.05
  done
  rm -f "$1"
}

stop_daemons() {
  [ -d "$D/run" ] || return 0
  for n in $(node_names); do stop_pid "$D/run/slurmd-$n.pid"; done
  stop_pid "$D/run/slurmctld.pid"
  stop_pid "$D/run/munged.pid"
}

stop() {
  if [ -f "$CONF" ] && alive "$(pid_of "$D/run/slurmctld.pid")"; then
    local jobs
    jobs=$(squeue -h -o %F 2>/dev/null | sort -u | tr '\n' ' ')
    if [ -n "${jobs// /}" ]; then
      # shellcheck disable=SC2086
      scancel $jobs 2>/dev/null || true
      local deadline=$((SECONDS + 10))
      while [ -n "$(squeue -h -t running,completing -o %i 2>/dev/null)" ] && [ $SECONDS -lt $deadline ]; do sleep 0.1; done
    fi
  fi
  stop_daemons
  say "stopped"
}

status() {
  local name pid
  for f in "$D"/run/*.pid; do
    [ -e "$f" ] || continue
    name=$(basename "$f" .pid)
    pid=$(pid_of "$f")
    if alive "$pid"; then echo "$name: running (pid $pid)"; else echo "$name: not running"; fi
  done
  if running; then sinfo -N -o '%N %T %c %m'; else echo "cluster: not running"; return 1; fi
}

case "${1:-}" in
  start) start ;;
  stop) stop ;;
  status) status ;;
  *) echo "usage: $0 start|stop|status" >&2; exit 2 ;;
esac
