#!/usr/bin/env bash
# The library's functions this script does not call, and the EXIT trap's handler, are not dead code:
# shellcheck disable=SC2317
# ecsa upgrade-agents: upgrades the ECS agent (the amazon-ecs-init package) and the SSM agent of a registered node in
# place, to the versions named below, from AWS's signed package buckets (or a mirror with their layout), keeping the
# node's identity: the SSM registration (the vault) and the ECS agent's checkpoint stay, so the managed instance id and
# the container instance ARN do not change. No activation, no registration.
#
# Order: check the identity; download and verify (pinned OpenPGP keys) the target packages *and* the packages of the
# versions installed now (the way back) before anything changes; then per component: install the target package with
# the package manager (dpkg -i / rpm -U), restart the agent and wait until it runs the new version under the same ids.
# If a component fails, every component this run changed is put back to its previous package and restarted. Nothing is
# changed when a download or a signature fails, or when the way back cannot be downloaded.
#
# Sent over SSH to `sudo -n bash -s` like the other scripts; same contract: one "ECSA_RESULT <json>" line on stdout,
# everything else on stderr; exit 0 on success, 3 otherwise. The values below are filled in by the service, each
# single-quoted (none is secret).

set -Eeuo pipefail
umask 077

main_values() {
  # Target versions, e.g. 1.90.0 and 3.3.1957.0; empty: leave that agent as it is.
  ECS_TARGET=@@ECS_TARGET@@
  SSM_TARGET=@@SSM_TARGET@@
  # https://s3.<region>.amazonaws.com, or a mirror with the same layout.
  PACKAGE_BASE_URL=@@PACKAGE_BASE_URL@@
  REGION=@@REGION@@
  # curl --proto value (=https in production).
  ALLOWED_PROTOCOLS=@@ALLOWED_PROTOCOLS@@
  # Base64 of armored public keys, and the primary-key fingerprints (space-separated) a valid signature must be by.
  ECS_KEY_B64=@@ECS_KEY_B64@@
  ECS_KEY_FINGERPRINTS=@@ECS_KEY_FINGERPRINTS@@
  SSM_KEY_B64=@@SSM_KEY_B64@@
  SSM_KEY_FINGERPRINTS=@@SSM_KEY_FINGERPRINTS@@
  # The identity the node has now, as the service records it.
  EXPECT_INSTANCE_ID=@@EXPECT_INSTANCE_ID@@
  EXPECT_CONTAINER_INSTANCE_ARN=@@EXPECT_CONTAINER_INSTANCE_ARN@@
  # How long an agent may take to run again after its restart.
  AGENT_WAIT_SECONDS=@@AGENT_WAIT_SECONDS@@
}

# shellcheck source=ecsa-lib.sh
source ecsa-lib.sh

readonly ECS_PACKAGE=amazon-ecs-init
readonly SSM_PACKAGE=amazon-ssm-agent
readonly ECS_UNIT=ecs
readonly AGENT_METADATA_URL=http://localhost:51678/v1/metadata

ECSA_RESULT_EMITTED=0
LAST_ERROR_LINE=''
WORK_DIR=''
FORMAT=''
ECS_FROM=''
SSM_FROM=''
SSM_UNIT=amazon-ssm-agent
SSM_SNAP=0
CHANGED=()
UPGRADED=()
NOTES=()

log() {
  printf 'ecsa-upgrade: %s\n' "$*" >&2
}

on_exit() {
  local rc=$?
  if [[ -n $WORK_DIR && -d $WORK_DIR ]]; then
    if ecsa_have gpgconf; then
      GNUPGHOME=$WORK_DIR/gnupg-ecs gpgconf --kill all >/dev/null 2>&1 || true
      GNUPGHOME=$WORK_DIR/gnupg-ssm gpgconf --kill all >/dev/null 2>&1 || true
    fi
    rm -rf "$WORK_DIR"
  fi
  if ((!ECSA_RESULT_EMITTED)) && { true >&3; } 2>/dev/null; then
    NOTES+=("internal: the upgrade stopped unexpectedly with status $rc near line ${LAST_ERROR_LINE:-unknown}")
    ECSA_RESULT_EMITTED=1
    printf '%s {"ok":false,"step":"internal","reason":"INTERNAL","message":"the upgrade script stopped unexpectedly","rolledBack":false,"changed":%s,"failed":%s}\n' \
      "$ECSA_RESULT_MARKER" "$( ((${#CHANGED[@]})) && echo true || echo false)" "$(ecsa_json_array "${NOTES[@]}")" >&3
  fi
}

# result OK STEP REASON MESSAGE ROLLED_BACK
result() {
  local ok=$1 step=$2 reason=$3 message=$4 rolled_back=$5 ecs_now ssm_now
  ecs_now=$(installed_version "$ECS_PACKAGE")
  ssm_now=$(installed_version "$SSM_PACKAGE")
  ecsa_emit_result "$(printf '{"ok":%s,"step":%s,"reason":%s,"message":%s,"rolledBack":%s,"changed":%s,"upgraded":%s,"failed":%s,"managedInstanceId":%s,"ecsAgentVersion":%s,"ssmAgentVersion":%s}' \
    "$ok" "$(ecsa_json_str "$step")" "$(ecsa_json_str "$reason")" "$(ecsa_json_str "$message")" "$rolled_back" \
    "$( ((${#CHANGED[@]})) && echo true || echo false)" "$(ecsa_json_array "${UPGRADED[@]}")" \
    "$(ecsa_json_array "${NOTES[@]}")" "$(ecsa_json_str "$EXPECT_INSTANCE_ID")" "$(ecsa_json_str "$ecs_now")" \
    "$(ecsa_json_str "$ssm_now")")"
  local status=0
  [[ $ok == true ]] || status=$ECSA_EXIT_FAILURE
  exit "$status"
}

# fail STEP REASON MESSAGE: before anything changed, or after a complete rollback (then the reason says so).
fail() {
  log "$1: $2: $3"
  if ((${#CHANGED[@]})); then
    rollback "$2" "$3"
  fi
  result false "$1" "$2" "$3" false
}

# installed_version PACKAGE -> the package's full version (e.g. 1.82.0-1), or nothing when it is not installed.
installed_version() {
  case $FORMAT in
    deb) dpkg-query -W -f='${Version}' "$1" 2>/dev/null || true ;;
    rpm) rpm -q --qf '%{VERSION}-%{RELEASE}' "$1" 2>/dev/null | grep -v 'not installed' || true ;;
  esac
}

# upstream VERSION -> the version without the package release (1.82.0-1 -> 1.82.0).
upstream() {
  printf '%s' "${1%-*}"
}

download() { # URL FILE
  # Each file at most 90 s a try, two tries. Every download comes before any change, so a source slow enough to run
  # into the session's own timeout ends the run with nothing changed.
  curl -fsS --proto "$ALLOWED_PROTOCOLS" --connect-timeout 10 --max-time 90 --retry 1 -o "$2" "$1"
}

# import_keys NAME KEY_B64 FINGERPRINTS: a throwaway keyring holding exactly the pinned keys.
import_keys() {
  local name=$1 key=$2 pins=$3 home=$WORK_DIR/gnupg-$1 listing primaries
  mkdir -m 0700 "$home"
  if ! printf '%s' "$key" | base64 -d >"$WORK_DIR/$name-keys.asc" 2>/dev/null \
    || ! gpg --homedir "$home" --batch --no-autostart --quiet --import "$WORK_DIR/$name-keys.asc" >/dev/null 2>&1; then
    fail verify SIGNATURE_INVALID "the pinned $name signing keys could not be imported"
  fi
  listing=$(gpg --homedir "$home" --batch --no-autostart --with-colons --fingerprint 2>/dev/null || true)
  primaries=$(ecsa_primary_fingerprints "$listing" | sort | tr '\n' ' ')
  if [[ ${primaries% } != "$(tr ' ' '\n' <<<"$pins" | sed '/^$/d' | sort | tr '\n' ' ' | sed 's/ $//')" ]]; then
    fail verify SIGNATURE_INVALID "the $name key block does not hold exactly the pinned keys $pins"
  fi
}

# fetch_verified NAME URL FILE SIGNATURE_SUFFIX: downloads a package and its detached signature and checks that a key
# pinned for NAME made the signature (an expired key still counts: an older package was signed while it was valid).
fetch_verified() {
  local name=$1 url=$2 file=$3 suffix=$4 status pins
  if ! download "$url" "$file" || ! download "$url$suffix" "$file$suffix"; then
    fail download DOWNLOAD_FAILED "could not download $url (or its signature)"
  fi
  status=$(gpg --homedir "$WORK_DIR/gnupg-$name" --batch --no-autostart --status-fd 1 --verify "$file$suffix" "$file" \
    2>/dev/null || true)
  pins=${name^^}_KEY_FINGERPRINTS
  if ! grep -qxF -f <(tr ' ' '\n' <<<"${!pins}" | sed '/^$/d') <<<"$(ecsa_validsig_primary_fingerprint "$status")"; then
    fail verify SIGNATURE_INVALID "no valid signature by a pinned key on $url"
  fi
  log "verified $url"
}

ecs_url() { # VERSION(upstream)
  local arch
  if [[ $FORMAT == deb ]]; then arch=$DEB_ARCH; else arch=$RPM_ARCH; fi
  printf '%s/amazon-ecs-agent-%s/amazon-ecs-init-%s-1.%s.%s' "$PACKAGE_BASE_URL" "$REGION" "$1" "$arch" "$FORMAT"
}

ssm_url() { # VERSION(upstream)
  local dir=linux
  [[ $FORMAT == deb ]] && dir=debian
  printf '%s/amazon-ssm-%s/%s/%s_%s/amazon-ssm-agent.%s' "$PACKAGE_BASE_URL" "$REGION" "$1" "$dir" "$DEB_ARCH" "$FORMAT"
}

install_file() { # FILE
  case $FORMAT in
    deb) ecsa_wait_for_package_locks && dpkg -i "$1" ;;
    rpm) rpm -U --oldpackage "$1" ;;
  esac
}

metadata() {
  curl -s --max-time 5 "$AGENT_METADATA_URL" 2>/dev/null || true
}

# wait_ecs VERSION: the ECS agent runs VERSION (upstream) and reports the node's container instance.
wait_ecs() {
  local want=$1 deadline=$((SECONDS + AGENT_WAIT_SECONDS)) meta arn version
  while ((SECONDS <= deadline)); do
    meta=$(metadata)
    arn=$(ecsa_json_string_field "$meta" ContainerInstanceArn)
    version=$(ecsa_json_string_field "$meta" Version)
    if [[ -n $arn && $arn != "$EXPECT_CONTAINER_INSTANCE_ARN" ]]; then
      NOTES+=("the ECS agent came back as container instance $arn, not $EXPECT_CONTAINER_INSTANCE_ARN")
      return 1
    fi
    if [[ $arn == "$EXPECT_CONTAINER_INSTANCE_ARN" && $version == *"v$want"* ]]; then
      return 0
    fi
    sleep 1
  done
  NOTES+=("the ECS agent did not report $want under $EXPECT_CONTAINER_INSTANCE_ARN within ${AGENT_WAIT_SECONDS}s ($(systemctl is-active "$ECS_UNIT" 2>/dev/null || true); /var/log/ecs/ecs-agent.log says why)")
  return 1
}

# wait_ssm: the SSM agent's unit is active and its registration is still the node's managed instance.
wait_ssm() {
  local deadline=$((SECONDS + AGENT_WAIT_SECONDS))
  while ((SECONDS <= deadline)); do
    if [[ $(ecsa_vault_instance_id "$ECSA_SSM_VAULT_KEY") != "$EXPECT_INSTANCE_ID" ]]; then
      NOTES+=("the SSM registration is no longer $EXPECT_INSTANCE_ID")
      return 1
    fi
    if [[ $(systemctl is-active "$SSM_UNIT" 2>/dev/null || true) == active ]]; then
      return 0
    fi
    sleep 1
  done
  NOTES+=("the SSM agent is $(systemctl is-active "$SSM_UNIT" 2>/dev/null || true) ${AGENT_WAIT_SECONDS}s after its restart (/var/log/amazon/ssm/amazon-ssm-agent.log says why)")
  return 1
}

# apply COMPONENT FILE VERSION(upstream): installs and restarts one agent, then waits for it.
apply() {
  local component=$1 file=$2 version=$3
  if ! install_file "$file" >&2; then
    NOTES+=("$component: the package manager could not install $version")
    return 1
  fi
  case $component in
    ecs)
      systemctl restart "$ECS_UNIT" >&2 || true
      wait_ecs "$version" ;;
    ssm)
      systemctl restart "$SSM_UNIT" >&2 || true
      wait_ssm ;;
  esac
}

# rollback REASON MESSAGE: puts every changed component back, newest change first; ends the script.
rollback() {
  local reason=$1 message=$2 i component ok=1
  for ((i = ${#CHANGED[@]} - 1; i >= 0; i--)); do
    component=${CHANGED[i]}
    case $component in
      ecs) apply ecs "$WORK_DIR/ecs-previous.$FORMAT" "$(upstream "$ECS_FROM")" || ok=0 ;;
      ssm) apply ssm "$WORK_DIR/ssm-previous.$FORMAT" "$(upstream "$SSM_FROM")" || ok=0 ;;
    esac
  done
  if ((ok)); then
    log "rolled back: $message"
    result false rollback UPGRADE_ROLLED_BACK "$message; the previous packages were restored and the agents run again under the same ids" true
  fi
  result false rollback ROLLBACK_FAILED "$message; restoring the previous packages failed too" false
}

detect() {
  if ecsa_have dpkg-query && ecsa_have dpkg; then
    FORMAT=deb
  elif ecsa_have rpm; then
    FORMAT=rpm
  else
    fail preflight NO_PACKAGE_MANAGER "neither dpkg nor rpm is installed"
  fi
  case $(uname -m) in
    x86_64) DEB_ARCH=amd64 RPM_ARCH=x86_64 ;;
    aarch64) DEB_ARCH=arm64 RPM_ARCH=aarch64 ;;
    *) fail preflight UNSUPPORTED_ARCH "architecture $(uname -m) is not supported by the agents" ;;
  esac
  if systemctl is-enabled "$ECSA_SNAP_SSM_UNIT" >/dev/null 2>&1; then
    SSM_SNAP=1
    SSM_UNIT=$ECSA_SNAP_SSM_UNIT
  fi
  ECS_FROM=$(installed_version "$ECS_PACKAGE")
  SSM_FROM=$(installed_version "$SSM_PACKAGE")
}

preflight() {
  local tool meta arn
  for tool in curl gpg base64 systemctl; do
    ecsa_have "$tool" || fail preflight MISSING_TOOL "$tool is not installed"
  done
  if [[ $(ecsa_vault_instance_id "$ECSA_SSM_VAULT_KEY") != "$EXPECT_INSTANCE_ID" ]]; then
    fail preflight IDENTITY_MISMATCH "the host's SSM registration is not $EXPECT_INSTANCE_ID: it is not the node the service recorded"
  fi
  meta=$(metadata)
  arn=$(ecsa_json_string_field "$meta" ContainerInstanceArn)
  if [[ -n $arn && $arn != "$EXPECT_CONTAINER_INSTANCE_ARN" ]]; then
    fail preflight IDENTITY_MISMATCH "the ECS agent reports container instance $arn, not $EXPECT_CONTAINER_INSTANCE_ARN"
  fi
  if [[ -n $ECS_TARGET && -z $ECS_FROM ]]; then
    fail preflight NOT_INSTALLED "$ECS_PACKAGE is not installed: the node needs registering again"
  fi
  if [[ -n $SSM_TARGET && -z $SSM_FROM && $SSM_SNAP == 0 ]]; then
    fail preflight NOT_INSTALLED "$SSM_PACKAGE is not installed: the node needs registering again"
  fi
}

main() {
  exec 3>&1 1>&2
  trap on_exit EXIT
  trap 'LAST_ERROR_LINE=$LINENO' ERR
  main_values
  if [[ $(id -u) != 0 ]]; then
    result false preflight NOT_ROOT "the script runs as uid $(id -u), not 0" false
  fi
  detect
  preflight
  WORK_DIR=$(mktemp -d /tmp/ecsa-upgrade.XXXXXX)

  local do_ecs=0 do_ssm=0 running
  if [[ -n $ECS_TARGET && $(upstream "$ECS_FROM") != "$ECS_TARGET" ]]; then do_ecs=1; fi
  if [[ -n $ECS_TARGET && $do_ecs == 0 ]]; then
    # The target is installed but the running agent may be older (an earlier run was cut off between the package
    # and the restart): restart it and wait for it, as after an install.
    running=$(ecsa_json_string_field "$(metadata)" Version)
    if [[ $running != *"v$ECS_TARGET"* ]]; then
      log "amazon-ecs-init $ECS_FROM is installed but the agent runs '${running:-nothing}': restarting it"
      systemctl restart "$ECS_UNIT" >&2 || true
      if ! wait_ecs "$ECS_TARGET"; then
        result false upgrade AGENT_NOT_RUNNING "the ECS agent $ECS_TARGET is installed but does not run: ${NOTES[*]}" false
      fi
      UPGRADED+=("$ECS_PACKAGE $ECS_FROM (restarted)")
    fi
  fi
  if [[ -n $SSM_TARGET && $SSM_SNAP == 1 ]]; then
    NOTES+=("$SSM_PACKAGE is the snap: snapd refreshes it, it is not upgraded here")
  elif [[ -n $SSM_TARGET && $(upstream "$SSM_FROM") != "$SSM_TARGET" ]]; then
    do_ssm=1
  fi
  if ((!do_ecs && !do_ssm)); then
    log "nothing to do: ${ECS_PACKAGE} ${ECS_FROM:-absent}, ${SSM_PACKAGE} ${SSM_FROM:-absent}"
    result true 'done' '' "the agents already run the target versions" false
  fi

  # Everything is downloaded and verified, the way back included, before anything changes.
  if ((do_ecs)); then
    import_keys ecs "$ECS_KEY_B64" "$ECS_KEY_FINGERPRINTS"
    fetch_verified ecs "$(ecs_url "$ECS_TARGET")" "$WORK_DIR/ecs-target.$FORMAT" .asc
    fetch_verified ecs "$(ecs_url "$(upstream "$ECS_FROM")")" "$WORK_DIR/ecs-previous.$FORMAT" .asc
  fi
  if ((do_ssm)); then
    import_keys ssm "$SSM_KEY_B64" "$SSM_KEY_FINGERPRINTS"
    fetch_verified ssm "$(ssm_url "$SSM_TARGET")" "$WORK_DIR/ssm-target.$FORMAT" .sig
    fetch_verified ssm "$(ssm_url "$(upstream "$SSM_FROM")")" "$WORK_DIR/ssm-previous.$FORMAT" .sig
  fi

  if ((do_ecs)); then
    CHANGED+=(ecs)
    if ! apply ecs "$WORK_DIR/ecs-target.$FORMAT" "$ECS_TARGET"; then
      fail upgrade UPGRADE_FAILED "the ECS agent upgrade from $ECS_FROM to $ECS_TARGET failed: ${NOTES[*]}"
    fi
    UPGRADED+=("$ECS_PACKAGE $ECS_FROM -> $(installed_version "$ECS_PACKAGE")")
  fi
  if ((do_ssm)); then
    CHANGED+=(ssm)
    if ! apply ssm "$WORK_DIR/ssm-target.$FORMAT" "$SSM_TARGET"; then
      fail upgrade UPGRADE_FAILED "the SSM agent upgrade from $SSM_FROM to $SSM_TARGET failed: ${NOTES[*]}"
    fi
    UPGRADED+=("$SSM_PACKAGE $SSM_FROM -> $(installed_version "$SSM_PACKAGE")")
  fi
  log "upgraded: ${UPGRADED[*]}"
  result true 'done' '' "upgraded ${UPGRADED[*]}" false
}

main </dev/null
