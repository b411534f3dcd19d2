#!/usr/bin/env bash
# ecsa bootstrap: registers this host with ECS Anywhere (SSM hybrid activation + ecs-anywhere-install.sh).
#
# Sent by the service over SSH to `sudo -n bash -s`: the text arrives on stdin, nothing on the command line.
# HostScripts renders it: every placeholder below (a name between double at-signs) becomes a
# single-quoted, pre-validated value, and the `source` line of the helper library is replaced by the
# library's text.
#
# Contract: exactly one line on stdout, "ECSA_RESULT <json>"; everything else goes to stderr. Exit 0 on
# success, 3 (ECSA_EXIT_FAILURE) on a reported failure. The activation code is never printed or logged.
#
# The whole script is one function called on the last line: bash has then read every byte of it before
# anything runs, so a truncated transfer runs nothing, and no child process can swallow the rest of the
# script from the shared stdin (main's stdin is /dev/null).

set -Eeuo pipefail
umask 077

# Rendered values are literal text on purpose: inside single quotes $, ` and \ stay inert.
# shellcheck disable=SC2016
{
  NODE_ID=@@NODE_ID@@
  REGION=@@REGION@@
  CLUSTER=@@CLUSTER@@
  ACTIVATION_ID=@@ACTIVATION_ID@@
  ACTIVATION_CODE=@@ACTIVATION_CODE@@
  INSTALL_SCRIPT_URL=@@INSTALL_SCRIPT_URL@@
  # curl --proto value, e.g. =https (production) or =https,http (the offline bench serves over http).
  ALLOWED_PROTOCOLS=@@ALLOWED_PROTOCOLS@@
  # gpg or sha256.
  VERIFY_MODE=@@VERIFY_MODE@@
  # Armored public key, base64-encoded by the renderer (it is multi-line; see HostScripts). Empty for sha256.
  GPG_PUBLIC_KEY_B64=@@GPG_PUBLIC_KEY_B64@@
  # 40 upper-case hex digits, no spaces. Empty for sha256.
  GPG_FINGERPRINT=@@GPG_FINGERPRINT@@
  # 64 lower-case hex digits. Empty for gpg.
  SCRIPT_SHA256=@@SCRIPT_SHA256@@
  # Empty means the install script's default (latest).
  ECS_VERSION=@@ECS_VERSION@@
  # Compact JSON objects written to /etc/ecs/ecs.config before the install; empty means "don't write".
  ECS_INSTANCE_ATTRIBUTES=@@ECS_INSTANCE_ATTRIBUTES@@
  ECS_CONTAINER_INSTANCE_TAGS=@@ECS_CONTAINER_INSTANCE_TAGS@@
  MIN_FREE_DISK_MIB=@@MIN_FREE_DISK_MIB@@
  AGENT_WAIT_SECONDS=@@AGENT_WAIT_SECONDS@@
  # Endpoints are rendered so that the offline bench can give each simulated host its own.
  AGENT_METADATA_URL=@@AGENT_METADATA_URL@@
  IMDS_URL=@@IMDS_URL@@
  # The managed instance id of this node's own interrupted installation, which SSM confirmed under the node's
  # name: when the host's SSM agent is registered as exactly this and no ECS agent answers, the install completes
  # it instead of stopping at the pre-flight. Empty otherwise.
  RESUME_MANAGED_INSTANCE_ID=@@RESUME_MANAGED_INSTANCE_ID@@
}

# shellcheck source=ecsa-lib.sh
source ecsa-lib.sh

readonly ECS_CONFIG_FILE=/etc/ecs/ecs.config
readonly BOOTSTRAP_LOG=/var/log/ecsa-bootstrap.log
readonly INSTALL_SCRIPT_NAME=ecs-anywhere-install.sh

WORK_DIR=''
RESULT_EMITTED=0
LAST_ERROR_LINE=''
FINDING_CODES=()
FINDING_BLOCKING=()
FINDING_MESSAGES=()
EXISTING_MANAGED_INSTANCE_ID=''
EXISTING_CONTAINER_INSTANCE_ARN=''
EXISTING_CLUSTER=''
# 1 when completing an interrupted installation whose amazon-ecs-init is already installed: the install script
# then skips the agent's configuration and start, so the bootstrap does them first.
START_INSTALLED_AGENT=0

log() {
  printf 'ecsa-bootstrap: %s\n' "$(ecsa_scrub "$*" "$ACTIVATION_CODE")" >&2
}

add_finding() { # CODE BLOCKING(true|false) MESSAGE
  FINDING_CODES+=("$1")
  FINDING_BLOCKING+=("$2")
  FINDING_MESSAGES+=("$3")
  log "finding $1 (blocking=$2): $3"
}

findings_json() {
  local i first=1
  printf '['
  for i in "${!FINDING_CODES[@]}"; do
    ((first)) || printf ','
    first=0
    printf '{"code":%s,"blocking":%s,"message":%s}' "$(ecsa_json_str "${FINDING_CODES[i]}")" \
      "${FINDING_BLOCKING[i]}" "$(ecsa_json_str "${FINDING_MESSAGES[i]}")"
  done
  printf ']'
}

# The only writer of stdout (fd 3 is the original stdout; fd 1 points at stderr inside main).
emit_result() {
  local json
  json=$(ecsa_scrub "$1" "$ACTIVATION_CODE")
  printf '%s %s\n' "$ECSA_RESULT_MARKER" "$json" >&3
  RESULT_EMITTED=1
}

fail() { # STEP REASON MESSAGE [OUTPUT_TAIL]
  local step=$1 reason=$2 message=$3 tail=${4:-}
  emit_result "$(printf '{"ok":false,"step":%s,"reason":%s,"message":%s,"nodeId":%s,"managedInstanceId":%s,"containerInstanceArn":%s,"cluster":%s,"findings":%s,"outputTail":%s}' \
    "$(ecsa_json_str "$step")" "$(ecsa_json_str "$reason")" "$(ecsa_json_str "$message")" \
    "$(ecsa_json_str "$NODE_ID")" "$(ecsa_json_str "$EXISTING_MANAGED_INSTANCE_ID")" \
    "$(ecsa_json_str "$EXISTING_CONTAINER_INSTANCE_ARN")" "$(ecsa_json_str "$EXISTING_CLUSTER")" \
    "$(findings_json)" "$(ecsa_json_str "$tail")")"
  exit "$ECSA_EXIT_FAILURE"
}

on_exit() {
  local rc=$?
  if [[ -n $WORK_DIR && -d $WORK_DIR ]]; then
    # gpg may have started gpg-agent/keyboxd for the throwaway home; stop them before removing it.
    if [[ -d $WORK_DIR/gnupg ]] && command -v gpgconf >/dev/null 2>&1; then
      GNUPGHOME=$WORK_DIR/gnupg gpgconf --kill all >/dev/null 2>&1 || true
    fi
    rm -rf -- "$WORK_DIR"
  fi
  if ((!RESULT_EMITTED)) && { true >&3; } 2>/dev/null; then
    emit_result "$(printf '{"ok":false,"step":"internal","reason":"INTERNAL_ERROR","message":%s,"nodeId":%s,"findings":%s}' \
      "$(ecsa_json_str "bootstrap stopped unexpectedly with status $rc near line ${LAST_ERROR_LINE:-unknown}")" \
      "$(ecsa_json_str "$NODE_ID")" "$(findings_json)")"
    exit "$ECSA_EXIT_FAILURE"
  fi
}

# --- pre-flight --------------------------------------------------------------------------------------

agent_metadata() {
  curl -s --max-time 5 "$AGENT_METADATA_URL" 2>/dev/null || true
}

check_root() {
  if [[ $(id -u) != 0 ]]; then
    add_finding NOT_ROOT true "the script runs as uid $(id -u), not 0; sudo did not elevate"
  fi
}

check_systemd() {
  if [[ ! -d /run/systemd/system ]]; then
    add_finding NO_SYSTEMD true "/run/systemd/system is absent; ECS Anywhere needs systemd as init"
  fi
}

check_arch() {
  local arch
  arch=$(uname -m)
  case $arch in
    x86_64 | aarch64) ;;
    *) add_finding UNSUPPORTED_ARCH true "architecture $arch is not x86_64 or aarch64" ;;
  esac
}

check_distro() {
  local id version
  id=$(ecsa_os_release_value /etc/os-release ID)
  version=$(ecsa_os_release_value /etc/os-release VERSION_ID)
  if ! ecsa_supported_distro "$id" "$version" >/dev/null; then
    add_finding UNSUPPORTED_DISTRO true \
      "distribution ID=${id:-unknown} VERSION_ID=${version:-unknown} is not supported by the install script (ubuntu, debian, fedora, centos, rhel, amzn 2 and 2023, sles, opensuse)"
  fi
  if [[ $id == rhel ]] && ! command -v docker >/dev/null 2>&1; then
    RHEL_WITHOUT_DOCKER=1
  fi
}

check_selinux() {
  if ecsa_selinux_enforcing /sys/fs/selinux/enforce; then
    add_finding SELINUX_ENFORCING true \
      "SELinux is enforcing; ECS Anywhere does not support SELinux (set it to permissive or disabled first)"
  fi
}

check_memory_cgroup() {
  if ! ecsa_memory_cgroup_enabled /sys/fs/cgroup/cgroup.controllers /proc/cgroups; then
    add_finding NO_MEMORY_CGROUP true \
      "the memory cgroup controller is not enabled (ECS needs it for task memory limits; enable it on the kernel command line)"
  fi
}

check_disk() {
  local free_kib
  free_kib=$(ecsa_free_kib /var/lib)
  if [[ ! $free_kib =~ ^[0-9]+$ ]]; then
    add_finding LOW_DISK true "could not determine free space on /var/lib"
  elif ((free_kib < MIN_FREE_DISK_MIB * 1024)); then
    add_finding LOW_DISK true "/var/lib has $((free_kib / 1024)) MiB free, at least $MIN_FREE_DISK_MIB MiB are required"
  fi
}

check_not_registered() {
  local metadata
  EXISTING_MANAGED_INSTANCE_ID=$(ecsa_vault_instance_id "$ECSA_SSM_VAULT_KEY")
  metadata=$(agent_metadata)
  if [[ -n $metadata ]]; then
    EXISTING_CONTAINER_INSTANCE_ARN=$(ecsa_json_string_field "$metadata" ContainerInstanceArn)
    EXISTING_CLUSTER=$(ecsa_json_string_field "$metadata" Cluster)
  fi
  if [[ -n $EXISTING_MANAGED_INSTANCE_ID && -z $metadata ]]; then
    # An installation stopped between the SSM registration and the ECS agent's (e.g. the connection was cut).
    local ecs_init=no
    [[ -x /usr/libexec/amazon-ecs-init ]] && ecs_init=yes
    if [[ $EXISTING_MANAGED_INSTANCE_ID == "$RESUME_MANAGED_INSTANCE_ID" ]]; then
      [[ $ecs_init == yes ]] && START_INSTALLED_AGENT=1
      add_finding RESUMED_INSTALLATION false \
        "completing the interrupted installation of $EXISTING_MANAGED_INSTANCE_ID (amazon-ecs-init installed: $ecs_init)"
      return 0
    fi
    add_finding ALREADY_REGISTERED true \
      "the SSM agent is already registered as $EXISTING_MANAGED_INSTANCE_ID; deregister and clean up first"
    add_finding INTERRUPTED_INSTALLATION false \
      "no ECS agent answers (amazon-ecs-init installed: $ecs_init): an installation stopped after the SSM registration; a registration of the node SSM lists it under completes it"
    return 0
  fi
  if [[ -n $EXISTING_MANAGED_INSTANCE_ID ]]; then
    add_finding ALREADY_REGISTERED true \
      "the SSM agent is already registered as $EXISTING_MANAGED_INSTANCE_ID; deregister and clean up first"
  fi
  if [[ -n $metadata ]]; then
    add_finding ALREADY_REGISTERED true \
      "an ECS agent is already running (container instance ${EXISTING_CONTAINER_INSTANCE_ARN:-not registered}, cluster ${EXISTING_CLUSTER:-unknown})"
  elif [[ -x /usr/libexec/amazon-ecs-init ]]; then
    # The install script skips config and start when ecs-init is present, so the agent would never join.
    add_finding STALE_INSTALLATION true \
      "amazon-ecs-init is installed but no ECS agent answers; run the cleanup script before registering"
  fi
}

check_credentials() {
  local name
  for name in AWS_ACCESS_KEY_ID AWS_SECRET_ACCESS_KEY AWS_SESSION_TOKEN AWS_PROFILE AWS_DEFAULT_PROFILE \
    AWS_SHARED_CREDENTIALS_FILE AWS_CONFIG_FILE AWS_ROLE_ARN AWS_WEB_IDENTITY_TOKEN_FILE \
    AWS_CONTAINER_CREDENTIALS_FULL_URI AWS_CONTAINER_CREDENTIALS_RELATIVE_URI; do
    if [[ -n ${!name:-} ]]; then
      add_finding HIJACKING_CREDENTIALS true "$name is set in the environment of the bootstrap"
    fi
  done
  while IFS= read -r name; do
    if [[ -n $name ]]; then
      add_finding HIJACKING_CREDENTIALS true "$name is set in /etc/environment"
    fi
  done < <(ecsa_environment_credential_vars /etc/environment)
  if [[ -e /root/.aws/credentials ]]; then
    if ecsa_creds_file_is_ssm_written /root/.aws/credentials; then
      add_finding STALE_SSM_CREDENTIALS false \
        "/root/.aws/credentials has the shape the SSM agent writes; the agent will overwrite it on registration"
    else
      add_finding HIJACKING_CREDENTIALS true \
        "/root/.aws/credentials holds credentials the SSM agent did not write; they would take precedence over the agent's"
    fi
  fi
  if ecsa_config_file_has_credentials /root/.aws/config; then
    add_finding HIJACKING_CREDENTIALS true "/root/.aws/config defines a credential source"
  fi
  if [[ -n $IMDS_URL ]] && [[ $(curl -s -o /dev/null --max-time 2 -w '%{http_code}' "$IMDS_URL" 2>/dev/null || true) =~ ^[1-9][0-9]{2}$ ]]; then
    add_finding HIJACKING_CREDENTIALS true \
      "something answers at $IMDS_URL; the agents would take this host for EC2 (block it, e.g. route add -host 169.254.169.254 reject)"
  fi
}

check_tools() {
  local missing=() tool
  local tools=(curl df awk base64 mktemp)
  if [[ $VERIFY_MODE == gpg ]]; then tools+=(gpg); else tools+=(sha256sum); fi
  for tool in "${tools[@]}"; do
    command -v "$tool" >/dev/null 2>&1 || missing+=("$tool")
  done
  if ((${#missing[@]})); then
    add_finding MISSING_TOOLS true "required commands are missing: ${missing[*]}"
  fi
  if [[ $VERIFY_MODE != gpg ]] && ! command -v gpg >/dev/null 2>&1; then
    add_finding NO_GPG false "gpg is not installed: the install script will install packages without verifying them"
  fi
}

preflight() {
  RHEL_WITHOUT_DOCKER=0
  check_root
  check_systemd
  check_arch
  check_distro
  check_selinux
  check_memory_cgroup
  check_disk
  check_not_registered
  check_credentials
  if ((RHEL_WITHOUT_DOCKER)); then
    add_finding RHEL_WITHOUT_DOCKER true "RHEL without docker: the install script does not install docker on RHEL; install it first"
  fi
  check_tools
  local i
  for i in "${!FINDING_CODES[@]}"; do
    if [[ ${FINDING_BLOCKING[i]} == true ]]; then
      fail preflight "${FINDING_CODES[i]}" "${FINDING_MESSAGES[i]}"
    fi
  done
}

# --- configuration, download, verification -------------------------------------------------------------

write_ecs_config() {
  mkdir -p "$(dirname "$ECS_CONFIG_FILE")"
  chmod 0755 "$(dirname "$ECS_CONFIG_FILE")"
  if [[ -n $ECS_INSTANCE_ATTRIBUTES ]]; then
    ecsa_set_config_line "$ECS_CONFIG_FILE" ECS_INSTANCE_ATTRIBUTES "$ECS_INSTANCE_ATTRIBUTES"
  fi
  if [[ -n $ECS_CONTAINER_INSTANCE_TAGS ]]; then
    ecsa_set_config_line "$ECS_CONFIG_FILE" ECS_CONTAINER_INSTANCE_TAGS "$ECS_CONTAINER_INSTANCE_TAGS"
  fi
}

download() { # URL FILE
  curl -fsS --proto "$ALLOWED_PROTOCOLS" --connect-timeout 10 --max-time 300 --retry 3 -o "$2" "$1"
}

verify_gpg() {
  local script=$1 signature=$1.asc listing status primaries
  # A throwaway home (not exported: the install script keeps using root's own keyring). Created here so
  # gpg does not create it itself, which on GnuPG >= 2.4.1 would also enable keyboxd for it.
  local home=$WORK_DIR/gnupg
  mkdir -m 0700 "$home"
  local gpg=(gpg --homedir "$home" --batch --no-autostart)
  if ! printf '%s' "$GPG_PUBLIC_KEY_B64" | base64 -d >"$WORK_DIR/pinned-key.asc" 2>/dev/null; then
    fail verify SIGNATURE_INVALID "the pinned public key could not be decoded"
  fi
  if ! "${gpg[@]}" --quiet --import "$WORK_DIR/pinned-key.asc" >/dev/null 2>&1; then
    fail verify SIGNATURE_INVALID "the pinned public key could not be imported"
  fi
  listing=$("${gpg[@]}" --with-colons --fingerprint 2>/dev/null || true)
  primaries=$(ecsa_primary_fingerprints "$listing")
  if [[ $primaries != "$GPG_FINGERPRINT" ]]; then
    fail verify SIGNATURE_INVALID "the pinned key block is not exactly the key with fingerprint $GPG_FINGERPRINT"
  fi
  if ! download "$INSTALL_SCRIPT_URL.asc" "$signature"; then
    fail verify DOWNLOAD_FAILED "could not download $INSTALL_SCRIPT_URL.asc"
  fi
  status=$("${gpg[@]}" --status-fd 1 --verify "$signature" "$script" 2>/dev/null) || {
    fail verify SIGNATURE_INVALID "gpg rejected the signature of $INSTALL_SCRIPT_URL"
  }
  if ! grep -qx -- "$GPG_FINGERPRINT" <<<"$(ecsa_validsig_primary_fingerprint "$status")"; then
    fail verify SIGNATURE_INVALID "no valid signature by the pinned key $GPG_FINGERPRINT on $INSTALL_SCRIPT_URL"
  fi
  log "install script signature verified (primary key $GPG_FINGERPRINT)"
}

verify_sha256() {
  local script=$1 actual
  actual=$(sha256sum "$script" | awk '{ print $1 }')
  if [[ $actual != "$SCRIPT_SHA256" ]]; then
    fail verify CHECKSUM_MISMATCH "install script sha256 is $actual, expected $SCRIPT_SHA256"
  fi
  log "install script checksum verified"
}

fetch_install_script() {
  local script=$WORK_DIR/$INSTALL_SCRIPT_NAME
  if ! download "$INSTALL_SCRIPT_URL" "$script"; then
    fail verify DOWNLOAD_FAILED "could not download $INSTALL_SCRIPT_URL"
  fi
  case $VERIFY_MODE in
    gpg) verify_gpg "$script" ;;
    sha256) verify_sha256 "$script" ;;
    *) fail verify SIGNATURE_INVALID "unknown verification mode $VERIFY_MODE" ;;
  esac
}

# --- install and wait ----------------------------------------------------------------------------------

# Copies the install log to the host without the activation code, for the operator.
keep_scrubbed_log() {
  local log_file=$1 line
  : >"$BOOTSTRAP_LOG"
  chmod 0600 "$BOOTSTRAP_LOG"
  # Scrubbed in-shell (no subshell per line): package-manager logs run to thousands of lines.
  while IFS= read -r line || [[ -n $line ]]; do
    printf '%s\n' "${line//"$ACTIVATION_CODE"/[REDACTED]}"
  done <"$log_file" >>"$BOOTSTRAP_LOG"
}

run_install() {
  local log_file=$WORK_DIR/install.log rc=0 tail apt_config=$WORK_DIR/apt-lock.conf
  local args=(--region "$REGION" --cluster "$CLUSTER" --activation-id "$ACTIVATION_ID" --activation-code "$ACTIVATION_CODE")
  if [[ -n $ECS_VERSION ]]; then
    args+=(--ecs-version "$ECS_VERSION")
  fi
  # An installed docker is kept (the script skips its docker step then anyway); on RHEL the script refuses to run
  # at all unless told so, and the pre-flight already required docker there.
  if command -v docker >/dev/null 2>&1; then
    args+=(--docker-install-source none)
  fi
  # unattended-upgrades holds the package locks at first boot and daily: wait for them here (the script's own
  # dpkg -i would fail at once), and let the script's apt calls wait too (APT_CONFIG adds the timeout for this
  # run only; the host's own apt configuration is still read from apt.conf.d).
  if ! ecsa_wait_for_package_locks; then
    fail lock PACKAGE_MANAGER_BUSY \
      "another package operation held the dpkg/apt lock for $ECSA_PACKAGE_LOCK_WAIT_SECONDS s; the registration is retried"
  fi
  printf 'DPkg::Lock::Timeout "%s";\n' "$ECSA_PACKAGE_LOCK_WAIT_SECONDS" >"$apt_config"
  log "running $INSTALL_SCRIPT_NAME for cluster $CLUSTER in $REGION"
  # The install script only accepts the code as an argument, so it is visible in /proc/<pid>/cmdline to
  # local root-equivalent readers while it runs; the activation is single-use and short-lived.
  (cd "$WORK_DIR" && APT_CONFIG=$apt_config bash "./$INSTALL_SCRIPT_NAME" "${args[@]}") >"$log_file" 2>&1 </dev/null || rc=$?
  keep_scrubbed_log "$log_file" || log "could not write $BOOTSTRAP_LOG"
  if ((rc != 0)); then
    tail=$(tail -n 20 "$log_file")
    fail install INSTALL_FAILED "$INSTALL_SCRIPT_NAME exited with status $rc (full log: $BOOTSTRAP_LOG)" \
      "$(ecsa_scrub "$tail" "$ACTIVATION_CODE")"
  fi
}

# The install script's configuration and start of the ECS agent (REFERENCE §2.3 step 11), for an interrupted
# installation whose amazon-ecs-init is already installed: the script skips them when it finds the package. The SSM
# agent is registered already, so the ECS agent gets its credentials as after a complete install.
start_installed_agent() {
  ecsa_set_config_line "$ECS_CONFIG_FILE" ECS_CLUSTER "$CLUSTER"
  mkdir -p /var/lib/ecs
  ecsa_set_config_line /var/lib/ecs/ecs.config AWS_DEFAULT_REGION "$REGION"
  ecsa_set_config_line /var/lib/ecs/ecs.config ECS_EXTERNAL true
  log "starting the installed ECS agent for cluster $CLUSTER"
  if ! { systemctl enable ecs && systemctl start ecs; } >&2; then
    fail install INSTALL_FAILED "the installed ECS agent could not be started (systemctl start ecs)"
  fi
}

ssm_agent_version() {
  local bin output
  for bin in /snap/amazon-ssm-agent/current/amazon-ssm-agent "$(command -v amazon-ssm-agent || true)"; do
    if [[ -n $bin && -x $bin ]]; then
      output=$(timeout 5 "$bin" -version 2>/dev/null || true)
      if [[ $output =~ [0-9]+(\.[0-9]+)+ ]]; then
        printf '%s' "${BASH_REMATCH[0]}"
        return 0
      fi
    fi
  done
}

wait_for_agent() {
  local deadline=$((SECONDS + AGENT_WAIT_SECONDS)) metadata='' arn=''
  while :; do
    metadata=$(agent_metadata)
    arn=$(ecsa_json_string_field "$metadata" ContainerInstanceArn)
    [[ $arn == arn:* ]] && break
    if ((SECONDS >= deadline)); then
      fail wait AGENT_NOT_REGISTERED \
        "the ECS agent did not report a container instance within $AGENT_WAIT_SECONDS s (see /var/log/ecs/ecs-agent.log)"
    fi
    sleep 5
  done
  local managed cluster version ssm_version
  managed=$(ecsa_vault_instance_id "$ECSA_SSM_VAULT_KEY")
  cluster=$(ecsa_json_string_field "$metadata" Cluster)
  version=$(ecsa_json_string_field "$metadata" Version)
  ssm_version=$(ssm_agent_version)
  emit_result "$(printf '{"ok":true,"nodeId":%s,"managedInstanceId":%s,"containerInstanceArn":%s,"cluster":%s,"ecsAgentVersion":%s,"ssmAgentVersion":%s,"findings":%s}' \
    "$(ecsa_json_str "$NODE_ID")" "$(ecsa_json_str "$managed")" "$(ecsa_json_str "$arn")" \
    "$(ecsa_json_str "${cluster:-$CLUSTER}")" "$(ecsa_json_str "$version")" "$(ecsa_json_str "$ssm_version")" \
    "$(findings_json)")"
}

main() {
  exec 3>&1 1>&2
  trap on_exit EXIT
  trap 'LAST_ERROR_LINE=$LINENO' ERR
  log "bootstrap of node $NODE_ID"
  preflight
  WORK_DIR=$(mktemp -d)
  write_ecs_config
  fetch_install_script
  if ((START_INSTALLED_AGENT)); then
    # Before the install script: it skips the agent's configuration and start when it finds ecs-init, then waits
    # for the agent to register and fails if none does.
    start_installed_agent
  fi
  run_install
  wait_for_agent
}

main </dev/null
