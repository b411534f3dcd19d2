#!/usr/bin/env bash
# ecsa cleanup: removes the ECS and SSM agents and their state from this host after deregistration
# (AWS "Deregistering an external instance", Linux steps, plus what that procedure leaves behind: the snap
# SSM agent, /var/cache/ecs, /etc/amazon/ssm, the ecs-agent container and the credentials the SSM agent
# wrote to /root/.aws).
#
# Sent over SSH to `sudo -n bash -s` like bootstrap.sh; same contract: one "ECSA_RESULT <json>" line on
# stdout, everything else on stderr, exit 0 when everything is gone, 3 when something could not be removed.
# Idempotent: a second run finds everything absent and succeeds.
# Like bootstrap.sh, it is one function called on the last line (see there why).

set -Eeuo pipefail
umask 077

# shellcheck source=ecsa-lib.sh
source ecsa-lib.sh

readonly UNITS=(ecs amazon-ssm-agent "$ECSA_SNAP_SSM_UNIT")
readonly PACKAGES=(amazon-ecs-init amazon-ssm-agent)
readonly PATHS=(/var/lib/ecs /etc/ecs /var/lib/amazon/ssm /var/log/ecs /var/log/amazon/ssm /var/cache/ecs
  /etc/amazon/ssm /var/log/ecsa-bootstrap.log)

STOPPED=()
NOT_RUNNING=()
REMOVED=()
ALREADY_ABSENT=()
KEPT=()
FAILED=()
ECSA_RESULT_EMITTED=0
LAST_ERROR_LINE=''

log() {
  printf 'ecsa-cleanup: %s\n' "$*" >&2
}


report() {
  local ok=true reason=null
  if ((${#FAILED[@]})); then
    ok=false
    reason='"CLEANUP_INCOMPLETE"'
  fi
  ecsa_emit_result "$(printf '{"ok":%s,"reason":%s,"stopped":%s,"notRunning":%s,"removed":%s,"alreadyAbsent":%s,"kept":%s,"failed":%s}' \
    "$ok" "$reason" "$(ecsa_json_array "${STOPPED[@]}")" "$(ecsa_json_array "${NOT_RUNNING[@]}")" \
    "$(ecsa_json_array "${REMOVED[@]}")" "$(ecsa_json_array "${ALREADY_ABSENT[@]}")" \
    "$(ecsa_json_array "${KEPT[@]}")" "$(ecsa_json_array "${FAILED[@]}")")"
  [[ $ok == true ]] || exit "$ECSA_EXIT_FAILURE"
}

on_exit() {
  local rc=$?
  if ((!ECSA_RESULT_EMITTED)) && { true >&3; } 2>/dev/null; then
    FAILED+=("internal: cleanup stopped unexpectedly with status $rc near line ${LAST_ERROR_LINE:-unknown}")
    report
  fi
}


# Fails closed: a unit counts as absent only when systemd says "not-found". When systemctl is missing or cannot
# answer, nothing is known about the agent, so the unit is a failure and the node is recorded as not cleaned
# rather than declared clean with the agent still running.
stop_units() {
  local unit load active
  if ! ecsa_have systemctl; then
    FAILED+=("systemctl: not found; cannot tell whether ${UNITS[*]} run")
    return 0
  fi
  for unit in "${UNITS[@]}"; do
    if ! load=$(systemctl show -p LoadState --value "$unit" 2>/dev/null) || [[ -z $load ]]; then
      FAILED+=("unit:$unit: systemctl show could not tell its state")
      continue
    fi
    if [[ $load == not-found ]]; then
      ALREADY_ABSENT+=("unit:$unit")
      continue
    fi
    active=$(systemctl is-active "$unit" 2>/dev/null || true)
    if [[ $active == inactive || $active == failed || $active == unknown ]]; then
      NOT_RUNNING+=("unit:$unit")
    elif systemctl stop "$unit"; then
      STOPPED+=("unit:$unit")
    else
      FAILED+=("unit:$unit: systemctl stop failed")
    fi
  done
}

# The ECS agent runs in a container that ecs-init starts; the rpm does not stop it on removal, so remove
# it explicitly. Task containers are left alone: AWS leaves them running after deregistration, and
# stopping workloads is the drain's job, not the cleanup's.
remove_agent_container() {
  if ecsa_have docker && docker container inspect ecs-agent >/dev/null 2>&1; then
    if docker rm -f ecs-agent >/dev/null; then
      REMOVED+=("container:ecs-agent")
    else
      FAILED+=("container:ecs-agent: docker rm failed")
    fi
  else
    ALREADY_ABSENT+=("container:ecs-agent")
  fi
}

package_installed() {
  if ecsa_have dpkg-query; then
    [[ $(dpkg-query -W -f='${Status}' "$1" 2>/dev/null || true) == *' installed' ]] && return 0
  fi
  if ecsa_have rpm; then
    rpm -q --quiet "$1" 2>/dev/null && return 0
  fi
  return 1
}

remove_package() {
  local pkg=$1
  if ecsa_have apt-get && ecsa_have dpkg-query; then
    # Waits for the dpkg lock (unattended-upgrades) instead of failing at once; two minutes, so that two removals
    # still fit in the cleanup's five-minute command budget.
    DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=120 remove -y "$pkg"
  elif ecsa_have dnf; then
    dnf remove -y "$pkg"
  elif ecsa_have yum; then
    yum remove -y "$pkg"
  elif ecsa_have zypper; then
    zypper --non-interactive remove "$pkg"
  else
    return 1
  fi
}

remove_packages() {
  local pkg
  for pkg in "${PACKAGES[@]}"; do
    if ! package_installed "$pkg"; then
      ALREADY_ABSENT+=("package:$pkg")
    elif remove_package "$pkg" </dev/null; then
      REMOVED+=("package:$pkg")
    else
      FAILED+=("package:$pkg: removal failed")
    fi
  done
  if ecsa_have snap && snap list amazon-ssm-agent >/dev/null 2>&1; then
    if snap remove amazon-ssm-agent </dev/null; then
      REMOVED+=("snap:amazon-ssm-agent")
    else
      FAILED+=("snap:amazon-ssm-agent: snap remove failed")
    fi
  else
    ALREADY_ABSENT+=("snap:amazon-ssm-agent")
  fi
}

remove_paths() {
  local path
  for path in "${PATHS[@]}"; do
    if [[ -e $path || -L $path ]]; then
      if rm -rf -- "$path"; then
        REMOVED+=("path:$path")
      else
        FAILED+=("path:$path: rm failed")
      fi
    else
      ALREADY_ABSENT+=("path:$path")
    fi
  done
}

# Only the file the SSM agent wrote goes (the rule is ecsa_creds_file_is_ssm_written); anybody else's
# credentials stay and are reported as kept.
remove_ssm_credentials() {
  local file=/root/.aws/credentials
  if [[ ! -e $file ]]; then
    ALREADY_ABSENT+=("path:$file")
  elif ecsa_creds_file_is_ssm_written "$file"; then
    if rm -f -- "$file"; then
      REMOVED+=("path:$file")
      rmdir /root/.aws 2>/dev/null || true
    else
      FAILED+=("path:$file: rm failed")
    fi
  else
    KEPT+=("path:$file (not written by the SSM agent)")
  fi
}

main() {
  exec 3>&1 1>&2
  trap on_exit EXIT
  trap 'LAST_ERROR_LINE=$LINENO' ERR
  if [[ $(id -u) != 0 ]]; then
    FAILED+=("NOT_ROOT: the script runs as uid $(id -u), not 0")
    report
  fi
  stop_units
  remove_agent_container
  remove_packages
  remove_paths
  remove_ssm_credentials
  if ecsa_have systemctl; then
    systemctl daemon-reload 2>/dev/null || true
    systemctl reset-failed 2>/dev/null || true
  fi
  log "done: ${#STOPPED[@]} stopped, ${#REMOVED[@]} removed, ${#FAILED[@]} failed"
  report
}

main </dev/null
