#!/bin/bash
# Runs once per host start, as the first process of the host's private mount (and UTS) namespace.
# Every path a production script touches is either an overlay (writes land in the host directory) or a
# bind of a per-host directory, so nothing done inside can change the machine's real files.
# Usage: init.sh <host dir>. Prints READY, then holds the namespace open until its stdin closes.
set -euo pipefail
H="$1"
# shellcheck disable=SC1091
. "$H/run/ecsa-sim/host.conf"

overlay() { # <real dir> <name>
  mkdir -p "$H/ov/$2/upper" "$H/ov/$2/work"
  mount -t overlay "ecsa-sim-$2" -o "lowerdir=$1,upperdir=$H/ov/$2/upper,workdir=$H/ov/$2/work" "$1"
}
overlay /etc etc
overlay /var var
overlay /usr usr
mount --bind "$H/fs/root" /root
mount --bind "$H/fs/log" /var/log
mount --bind "$H/fs/shims" /usr/local/sbin
mount --bind "$H/fs/localbin" /usr/local/bin
mount --bind "$H/fs/cgroup" /sys/fs/cgroup
mount --bind "$H/run" /run
# /tmp last: the host directory itself may live under the real /tmp.
mount --bind "$H/fs/tmp" /tmp
hostname "$SIM_HOSTNAME"

if [ ! -e /run/ecsa-sim/provisioned ]; then
  /bin/bash /run/ecsa-sim/provision.sh > /run/ecsa-sim/provision.log 2>&1
  touch /run/ecsa-sim/provisioned
fi
echo READY
exec /bin/cat > /dev/null
