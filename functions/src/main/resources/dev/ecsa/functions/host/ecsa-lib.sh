# shellcheck shell=bash
# ecsa host helper library.
#
# HostScripts inlines this file into every host script (bootstrap, cleanup, restart) at render time (the line that
# sources it is replaced by its text), because the scripts travel over SSH on stdin and cannot source anything.
# It holds only constants and side-effect-free function definitions: unit tests source it on their own and
# call the pure helpers (JSON escaping, ecs.config edits, the credentials rule, os-release parsing).
# Nothing here prints secrets; callers scrub output before it leaves the host.

# Exit status of a script that ran to the end and reported a failure in its ECSA_RESULT line.
# (ssh uses 255, sudo -n 1, bash syntax errors 2; 3 is ours alone.)
# shellcheck disable=SC2034 # used by the scripts this library is inlined into
readonly ECSA_EXIT_FAILURE=3
# Marker that prefixes the one machine-readable line on stdout.
# shellcheck disable=SC2034 # used by the scripts this library is inlined into
readonly ECSA_RESULT_MARKER='ECSA_RESULT'

# The instance vault the SSM agent writes on registration. It also holds the node's private key, so only
# the instanceID field is ever extracted from it (ecsa_vault_instance_id).
# shellcheck disable=SC2034 # used by the scripts this library is inlined into
readonly ECSA_SSM_VAULT_KEY=/var/lib/amazon/ssm/Vault/Store/RegistrationKey
# shellcheck disable=SC2034 # used by the scripts this library is inlined into
readonly ECSA_SNAP_SSM_UNIT=snap.amazon-ssm-agent.amazon-ssm-agent.service
# The locks dpkg and apt take; a package operation waits for them (see ecsa_lock_held).
readonly ECSA_PACKAGE_LOCKS=(/var/lib/dpkg/lock-frontend /var/lib/dpkg/lock /var/lib/apt/lists/lock
  /var/cache/apt/archives/lock)
# How long a package operation waits for those locks.
readonly ECSA_PACKAGE_LOCK_WAIT_SECONDS=300

# ecsa_wait_for_package_locks -> success once no process holds a package lock, failure after
# ECSA_PACKAGE_LOCK_WAIT_SECONDS (hosts without dpkg never wait).
ecsa_wait_for_package_locks() {
  local deadline=$((SECONDS + ECSA_PACKAGE_LOCK_WAIT_SECONDS)) said=0
  command -v dpkg >/dev/null 2>&1 || return 0
  while ecsa_lock_held "${ECSA_PACKAGE_LOCKS[@]}"; do
    if ((SECONDS >= deadline)); then
      return 1
    fi
    if ((!said)); then
      printf 'ecsa: waiting for the package manager lock (another apt or dpkg runs, e.g. unattended-upgrades)\n' >&2
      said=1
    fi
    sleep 5
  done
}

# ecsa_json_escape STRING -> prints STRING escaped for use inside a JSON string literal (no quotes).
# Bytes >= 0x80 pass through unchanged (the Java side decodes the output as UTF-8 with replacement).
ecsa_json_escape() {
  local LC_ALL=C
  local s=$1
  s=${s//\\/\\\\}
  s=${s//\"/\\\"}
  s=${s//$'\n'/\\n}
  s=${s//$'\r'/\\r}
  s=${s//$'\t'/\\t}
  if [[ $s == *[[:cntrl:]]* ]]; then
    local out='' c i code
    for ((i = 0; i < ${#s}; i++)); do
      c=${s:i:1}
      if [[ $c == [[:cntrl:]] ]]; then
        printf -v code '\\u%04x' "'$c"
        out+=$code
      else
        out+=$c
      fi
    done
    s=$out
  fi
  printf '%s' "$s"
}

# ecsa_json_str VALUE -> a JSON string literal; an empty VALUE becomes null (ids that could not be read).
ecsa_json_str() {
  if [[ -z $1 ]]; then
    printf 'null'
  else
    printf '"%s"' "$(ecsa_json_escape "$1")"
  fi
}

# ecsa_json_array ITEM... -> a JSON array of strings.
ecsa_json_array() {
  local first=1 item
  printf '['
  for item in "$@"; do
    ((first)) || printf ','
    first=0
    printf '"%s"' "$(ecsa_json_escape "$item")"
  done
  printf ']'
}

# ecsa_json_string_field JSON KEY -> the value of a top-level-looking "KEY":"value" pair, or nothing.
# Good enough for the flat documents read here (agent metadata, the vault key); values containing escaped
# quotes are not expected in those fields and are not returned.
ecsa_json_string_field() {
  local json=$1 key=$2
  local re="\"${key}\"[[:space:]]*:[[:space:]]*\"([^\"\\\\]*)\""
  if [[ $json =~ $re ]]; then
    printf '%s' "${BASH_REMATCH[1]}"
  fi
}

# ecsa_vault_instance_id FILE -> the managed instance id (mi-...) recorded in the SSM vault, or nothing.
# Reads the file with grep -o so only the instanceID pair is ever held in memory or printed; the private
# key next to it never is. The value is accepted only if it looks like a managed instance id.
ecsa_vault_instance_id() {
  local file=$1 pair id
  [[ -r $file ]] || return 0
  pair=$(grep -o -m 1 '"instanceID"[[:space:]]*:[[:space:]]*"[^"]*"' "$file" 2>/dev/null || true)
  id=$(ecsa_json_string_field "$pair" instanceID)
  if [[ $id =~ ^mi-[0-9a-f]{8,32}$ ]]; then
    printf '%s' "$id"
  fi
}

# ecsa_os_release_value FILE KEY -> the unquoted value of KEY in an os-release file, without sourcing it.
ecsa_os_release_value() {
  local file=$1 key=$2 line value
  [[ -r $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line == "$key="* ]]; then
      value=${line#"$key="}
      if [[ $value == \"*\" || $value == \'*\' ]]; then
        value=${value:1:${#value}-2}
      fi
      printf '%s' "$value"
      return 0
    fi
  done <"$file"
}

# ecsa_supported_distro ID VERSION_ID -> prints the family ecs-anywhere-install.sh treats the host as and
# succeeds, or fails. The script names ubuntu, debian, fedora, centos, rhel and Amazon Linux 2; any other host
# runs its package-manager path (dnf, yum, apt or zypper) with no distro-specific docker repository, which is
# how AWS supports Amazon Linux 2023 and SUSE (SLES, openSUSE). Accepted: those, plus AL2023 and SUSE.
# Refused: everything else (Alpine, Arch, Gentoo...: no systemd-packaged agents), and clones the script does not
# name (Rocky, Alma, Oracle) because it would try to install docker with a command that fails there.
ecsa_supported_distro() {
  local id=$1 version=$2
  case $id in
    ubuntu | debian | fedora | centos | rhel) printf '%s' "$id" ;;
    amzn)
      case $version in
        2) printf 'al2' ;;
        2023) printf 'al2023' ;;
        *) return 1 ;;
      esac
      ;;
    sles | sled | opensuse-leap | opensuse-tumbleweed) printf 'suse' ;;
    *) return 1 ;;
  esac
}

# ecsa_selinux_enforcing ENFORCE_FILE -> success if SELinux enforces its policy (ECS Anywhere does not support
# SELinux: "no SELinux" in AWS's ECS Anywhere considerations). ENFORCE_FILE is /sys/fs/selinux/enforce;
# getenforce answers when the file cannot be read.
ecsa_selinux_enforcing() {
  local file=$1 mode
  if [[ -r $file ]]; then
    [[ $(<"$file") == 1 ]] && return 0
    return 1
  fi
  if command -v getenforce >/dev/null 2>&1; then
    mode=$(getenforce 2>/dev/null || true)
    [[ $mode == Enforcing ]] && return 0
  fi
  return 1
}

# ecsa_lock_held FILE... -> success while some process holds a lock on one of FILEs (dpkg and apt take fcntl
# locks on /var/lib/dpkg/lock-frontend, /var/lib/dpkg/lock and apt's lists and archives locks; unattended-upgrades
# holds them at first boot and daily). Reads /proc/locks, so it needs no fuser or lsof.
ecsa_lock_held() {
  local file inode
  for file in "$@"; do
    [[ -e $file ]] || continue
    inode=$(stat -c %i "$file" 2>/dev/null) || continue
    if grep -qE "^[0-9]+: +(POSIX|OFDLCK|FLOCK) +ADVISORY +(READ|WRITE) +[-0-9]+ +[0-9a-f]+:[0-9a-f]+:${inode} " \
      /proc/locks 2>/dev/null; then
      return 0
    fi
  done
  return 1
}

# ecsa_memory_cgroup_enabled CONTROLLERS_FILE PROC_CGROUPS_FILE -> success if the memory controller is on.
# cgroup v2 (CONTROLLERS_FILE exists): "memory" among the root's controllers. cgroup v1/hybrid: the memory
# line of /proc/cgroups has enabled=1 (fourth column).
ecsa_memory_cgroup_enabled() {
  local controllers=$1 proc_cgroups=$2 word name hierarchy count enabled
  if [[ -f $controllers ]]; then
    for word in $(<"$controllers"); do
      [[ $word == memory ]] && return 0
    done
    return 1
  fi
  [[ -r $proc_cgroups ]] || return 1
  while read -r name hierarchy count enabled; do
    if [[ $name == memory ]]; then
      : "$hierarchy" "$count"
      [[ $enabled == 1 ]] && return 0
      return 1
    fi
  done <"$proc_cgroups"
  return 1
}

# ecsa_free_kib PATH -> free KiB on the file system holding PATH (nearest existing ancestor), or nothing.
ecsa_free_kib() {
  local path=$1
  while [[ ! -e $path && $path != / ]]; do
    path=$(dirname "$path")
  done
  df -Pk "$path" 2>/dev/null | awk 'NR == 2 { print $4 }'
}

# ecsa_set_config_line FILE KEY VALUE -> FILE holds exactly one KEY=VALUE line, where the first KEY= line
# was (or at the end). Other lines are kept verbatim. The file is rewritten through a temporary file in the
# same directory and renamed, so a crash never leaves a half-written ecs.config.
ecsa_set_config_line() {
  local file=$1 key=$2 value=$3 tmp line written=0
  tmp=$(mktemp "${file}.ecsa.XXXXXX")
  if [[ -f $file ]]; then
    while IFS= read -r line || [[ -n $line ]]; do
      if [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?${key}= ]]; then
        if ((!written)); then
          printf '%s=%s\n' "$key" "$value" >>"$tmp"
          written=1
        fi
      else
        printf '%s\n' "$line" >>"$tmp"
      fi
    done <"$file"
  fi
  if ((!written)); then
    printf '%s=%s\n' "$key" "$value" >>"$tmp"
  fi
  chmod 0644 "$tmp"
  mv -f "$tmp" "$file"
}

# The credentials rule (used by the bootstrap's HIJACKING_CREDENTIALS check and by cleanup):
#
# The SSM agent on a hybrid node stores its rotating role credentials in root's shared credentials file
# (amazon-ssm-agent agent/managedInstances/sharedCredentials: profile "default", keys aws_access_key_id,
# aws_secret_access_key, aws_session_token, written with go-ini; no marker comment). A credentials file
# "looks SSM-written" when, ignoring blank lines and comments, it has only the section [default] and in it
# exactly those three keys, each with a non-empty value. Anything else (another profile, long-term keys
# without a session token, credential_process, role_arn, ...) was written by someone else.
# Why this is safe in both directions: a file of exactly that shape is precisely what the agent overwrites
# on every refresh, so treating a look-alike as the agent's loses nothing, and any other shape carries a
# credential chain the agent does not control (AWS: external instances must not have a preconfigured
# credential chain; see amazon-ecs-agent#3604).
ecsa_creds_file_is_ssm_written() {
  local file=$1 line section='' key seen_access=0 seen_secret=0 seen_token=0 value
  [[ -f $file ]] || return 1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    line=${line%"${line##*[![:space:]]}"}
    [[ -z $line || $line == '#'* || $line == ';'* ]] && continue
    if [[ $line =~ ^\[[[:space:]]*([^]]*[^][:space:]])[[:space:]]*\]$ ]]; then
      section=${BASH_REMATCH[1]}
      [[ $section == default ]] || return 1
      continue
    fi
    [[ $section == default ]] || return 1
    [[ $line == *=* ]] || return 1
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    value=${line#*=}
    value=${value#"${value%%[![:space:]]*}"}
    [[ -n $value ]] || return 1
    case $key in
      aws_access_key_id) seen_access=1 ;;
      aws_secret_access_key) seen_secret=1 ;;
      aws_session_token) seen_token=1 ;;
      *) return 1 ;;
    esac
  done <"$file"
  ((seen_access && seen_secret && seen_token))
}

# ecsa_config_file_has_credentials FILE -> success if an AWS config file defines a credential source in any
# profile. The SSM agent never writes ~/.aws/config, so such a file is always someone else's; region or
# output settings alone do not change where credentials come from and are tolerated.
ecsa_config_file_has_credentials() {
  local file=$1 line key
  [[ -f $file ]] || return 1
  while IFS= read -r line || [[ -n $line ]]; do
    line=${line#"${line%%[![:space:]]*}"}
    [[ $line == *=* ]] || continue
    key=${line%%=*}
    key=${key%"${key##*[![:space:]]}"}
    case $key in
      aws_access_key_id | aws_secret_access_key | aws_session_token | credential_process | role_arn | \
        source_profile | credential_source | web_identity_token_file | sso_start_url | sso_session | \
        sso_account_id | login_session)
        return 0
        ;;
    esac
  done <"$file"
  return 1
}

# ecsa_environment_credential_vars FILE -> names (one per line) of credential variables FILE assigns
# (/etc/environment syntax: KEY=value, optionally with "export").
ecsa_environment_credential_vars() {
  local file=$1 line name
  [[ -r $file ]] || return 0
  while IFS= read -r line || [[ -n $line ]]; do
    if [[ $line =~ ^[[:space:]]*(export[[:space:]]+)?(AWS_[A-Z_]+)[[:space:]]*= ]]; then
      name=${BASH_REMATCH[2]}
      if ecsa_is_credential_var "$name"; then
        printf '%s\n' "$name"
      fi
    fi
  done <"$file"
}

# ecsa_is_credential_var NAME -> success if NAME is an environment variable that makes AWS SDKs (and so the
# ECS and SSM agents) pick credentials other than the agent's own.
ecsa_is_credential_var() {
  case $1 in
    AWS_ACCESS_KEY_ID | AWS_SECRET_ACCESS_KEY | AWS_SESSION_TOKEN | AWS_PROFILE | AWS_DEFAULT_PROFILE | \
      AWS_SHARED_CREDENTIALS_FILE | AWS_CONFIG_FILE | AWS_ROLE_ARN | AWS_WEB_IDENTITY_TOKEN_FILE | \
      AWS_CONTAINER_CREDENTIALS_FULL_URI | AWS_CONTAINER_CREDENTIALS_RELATIVE_URI)
      return 0
      ;;
  esac
  return 1
}

# ecsa_scrub TEXT SECRET -> TEXT with every occurrence of SECRET replaced (literal match, not a pattern).
ecsa_scrub() {
  local text=$1 secret=$2
  if [[ -n $secret ]]; then
    text=${text//"$secret"/[REDACTED]}
  fi
  printf '%s' "$text"
}

# ecsa_validsig_primary_fingerprint STATUS_TEXT -> primary-key fingerprints of VALIDSIG lines in gpg
# --status-fd output, one per line. Field layout (gnupg doc/DETAILS): "[GNUPG:] VALIDSIG <fpr> <date>
# <ts> <expire> <ver> <reserved> <pk-algo> <hash-algo> <class> <primary-fpr>".
ecsa_validsig_primary_fingerprint() {
  local line
  local -a f
  while IFS= read -r line; do
    read -r -a f <<<"$line"
    if [[ ${f[0]:-} == '[GNUPG:]' && ${f[1]:-} == VALIDSIG && -n ${f[11]:-} ]]; then
      printf '%s\n' "${f[11]}"
    fi
  done <<<"$1"
}

# ecsa_primary_fingerprints COLON_LISTING -> fingerprints of the primary keys in gpg --with-colons output
# (the first fpr record after each pub record).
ecsa_primary_fingerprints() {
  local line want=0
  local -a f
  while IFS= read -r line; do
    IFS=: read -r -a f <<<"$line"
    case ${f[0]:-} in
      pub) want=1 ;;
      sub) want=0 ;;
      fpr)
        if ((want)); then
          printf '%s\n' "${f[9]:-}"
          want=0
        fi
        ;;
    esac
  done <<<"$1"
}

# ecsa_have COMMAND -> success when COMMAND is on PATH.
ecsa_have() {
  command -v "$1" >/dev/null 2>&1
}

# ecsa_emit_result JSON -> the script's one "ECSA_RESULT <json>" line, on fd 3 (the original stdout: the scripts
# point fd 1 at stderr), and ECSA_RESULT_EMITTED=1 for the script's EXIT trap (which declares it 0). For scripts whose
# output carries no secret (the cleanup, the restart); the bootstrap scrubs the activation code first.
ecsa_emit_result() {
  printf '%s %s\n' "$ECSA_RESULT_MARKER" "$1" >&3
  # shellcheck disable=SC2034 # read by the EXIT trap of the script this library is inlined into
  ECSA_RESULT_EMITTED=1
}
