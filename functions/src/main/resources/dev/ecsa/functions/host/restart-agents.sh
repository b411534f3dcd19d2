#!/usr/bin/env bash
# ecsa restart-agents: restarts the ECS agent (ecs-init's unit) and the SSM agent (the package's unit or the snap's)
# in place, keeping the node's identity: nothing is installed, removed or registered, so the managed instance id and
# the container instance stay the same. The repair's step for a node whose agents stopped reporting, and an
# operator's (`ecsa restart NODE`).
#
# Sent over SSH to `sudo -n bash -s` like cleanup.sh; same contract: one "ECSA_RESULT <json>" line on stdout,
# everything else on stderr, exit 0 when every installed agent unit was restarted and is active, 3 otherwise.
# It needs no value from the request: the text is the same for every node.

set -Eeuo pipefail
umask 077

# shellcheck source=ecsa-lib.sh
source ecsa-lib.sh

readonly ECS_UNIT=ecs
readonly SSM_UNITS=(amazon-ssm-agent "$ECSA_SNAP_SSM_UNIT")

RESTARTED=()
ALREADY_ABSENT=()
FAILED=()
ECSA_RESULT_EMITTED=0
LAST_ERROR_LINE=''

log() {
  printf 'ecsa-restart: %s\n' "$*" >&2
}


report() {
  local ok=true reason=null
  if ((${#FAILED[@]})); then
    ok=false
    reason='"RESTART_FAILED"'
  fi
  ecsa_emit_result "$(printf '{"ok":%s,"reason":%s,"restarted":%s,"alreadyAbsent":%s,"failed":%s}' \
    "$ok" "$reason" "$(ecsa_json_array "${RESTARTED[@]}")" "$(ecsa_json_array "${ALREADY_ABSENT[@]}")" \
    "$(ecsa_json_array "${FAILED[@]}")")"
  [[ $ok == true ]] || exit "$ECSA_EXIT_FAILURE"
}

on_exit() {
  local rc=$?
  if ((!ECSA_RESULT_EMITTED)) && { true >&3; } 2>/dev/null; then
    FAILED+=("internal: the restart stopped unexpectedly with status $rc near line ${LAST_ERROR_LINE:-unknown}")
    report
  fi
}


# restart_unit UNIT -> 0 when the unit exists (restarted or failed, recorded), 1 when systemd does not know it.
restart_unit() {
  local unit=$1 load active
  if ! load=$(systemctl show -p LoadState --value "$unit" 2>/dev/null) || [[ -z $load ]]; then
    FAILED+=("unit:$unit: systemctl show could not tell its state")
    return 0
  fi
  if [[ $load == not-found ]]; then
    ALREADY_ABSENT+=("unit:$unit")
    return 1
  fi
  if ! systemctl restart "$unit"; then
    FAILED+=("unit:$unit: systemctl restart failed")
    return 0
  fi
  active=$(systemctl is-active "$unit" 2>/dev/null || true)
  if [[ $active == active ]]; then
    RESTARTED+=("unit:$unit")
  else
    FAILED+=("unit:$unit: $active after the restart (journalctl -u $unit says why)")
  fi
  return 0
}

restart_agents() {
  local unit ssm=0
  if ! ecsa_have systemctl; then
    FAILED+=("systemctl: not found; the agents cannot be restarted")
    return 0
  fi
  if ! restart_unit "$ECS_UNIT"; then
    FAILED+=("unit:$ECS_UNIT: not installed; the node needs registering again")
  fi
  for unit in "${SSM_UNITS[@]}"; do
    if restart_unit "$unit"; then
      ssm=1
    fi
  done
  if ((!ssm)); then
    FAILED+=("amazon-ssm-agent: neither the package's nor the snap's unit is installed; the node needs registering again")
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
  restart_agents
  log "done: ${#RESTARTED[@]} restarted, ${#FAILED[@]} failed"
  report
}

main </dev/null
