# shellcheck shell=bash
# The JDK and the start-time archive the CLI runs with; sourced by ./ecsa and bin/bench-cli (docs/cli.md#start-time).
# A command's start time matters: the choice is cached, and the common path forks nothing (no JVM, no sed).

# The feature version of a java binary (17, 25, ...), from its JDK's release file; 0 when unknown.
ecsa_java_feature() {
  local home release version
  home="$(dirname "$(dirname "$(readlink -f "$1" 2>/dev/null || echo "$1")")")"
  release="$home/release"
  [ -f "$release" ] || { echo 0; return; }
  version="$(sed -n 's/^JAVA_VERSION="\([0-9]*\).*/\1/p' "$release" | head -1)"
  echo "${version:-0}"
}

# Sets ECSA_JAVA_BIN and ECSA_JAVA_FEATURE: ECSA_JAVA if set; else java on PATH, unless it is older than 25 and a JDK
# 25 or newer is installed under /usr/lib/jvm (where Debian and Ubuntu put JDKs): then the newest of those, for its
# ahead-of-time cache. The choice is kept in CACHE, keyed by ECSA_JAVA and the java on PATH.
ecsa_choose_java() {
  local cache="$1" key path cached_key best="" best_version=0 candidate version
  path="$(command -v java || true)"
  key="${ECSA_JAVA:-}|$path"
  if [ -f "$cache" ] && { read -r cached_key; read -r ECSA_JAVA_BIN; read -r ECSA_JAVA_FEATURE; } < "$cache" \
      && [ "$cached_key" = "$key" ] && [ -x "$ECSA_JAVA_BIN" ]; then
    return
  fi
  if [ -n "${ECSA_JAVA:-}" ]; then
    best="$ECSA_JAVA"
    best_version="$(ecsa_java_feature "$ECSA_JAVA")"
  else
    best="${path:-java}"
    best_version="$(ecsa_java_feature "$best")"
    if [ "$best_version" -lt 25 ]; then
      for candidate in /usr/lib/jvm/*/bin/java; do
        [ -x "$candidate" ] || continue
        version="$(ecsa_java_feature "$candidate")"
        if [ "$version" -ge 25 ] && [ "$version" -gt "$best_version" ]; then
          best="$candidate"
          best_version="$version"
        fi
      done
    fi
  fi
  ECSA_JAVA_BIN="$best"
  ECSA_JAVA_FEATURE="$best_version"
  if [ -d "$(dirname "$cache")" ]; then
    printf '%s\n%s\n%s\n' "$key" "$ECSA_JAVA_BIN" "$ECSA_JAVA_FEATURE" > "$cache"
  fi
}

# The flags of OPTIONS_FILE for a JDK of FEATURE, one per line: from 25 on, without -Xshare (the class-data-sharing
# switch, which an ahead-of-time cache replaces and which the JVM refuses next to it).
ecsa_jvm_options() {
  local line
  while IFS= read -r line || [ -n "$line" ]; do
    if [ "$2" -ge 25 ] && [[ $line == -Xshare* ]]; then
      continue
    fi
    printf '%s\n' "$line"
  done < "$1"
}

# Sets ECSA_ARCHIVE and ECSA_ARCHIVE_FLAG for a JDK of FEATURE: DIR/ecsa-cli.aot and -XX:AOTCache from 25 on,
# DIR/ecsa-cli.jsa and -XX:SharedArchiveFile before (variables, not output: no subshell on the launcher's path).
# shellcheck disable=SC2034  # the variables are the caller's
ecsa_archive() {
  if [ "$2" -ge 25 ]; then
    ECSA_ARCHIVE="$1/ecsa-cli.aot"
    ECSA_ARCHIVE_FLAG="-XX:AOTCache=$ECSA_ARCHIVE"
  else
    ECSA_ARCHIVE="$1/ecsa-cli.jsa"
    ECSA_ARCHIVE_FLAG="-XX:SharedArchiveFile=$ECSA_ARCHIVE"
  fi
}

# True when ARCHIVE is missing, was recorded by another JDK or for another class path (it is only valid for the same
# one, to the byte), or any entry of the class path is newer than it.
ecsa_archive_stale() {
  local archive="$1" java="$2" classpath="$3" entry key
  [ -f "$archive" ] || return 0
  IFS= read -r key < "$archive.key" 2>/dev/null || return 0
  [ "$key" = "$java $classpath" ] || return 0
  IFS=: read -r -a entries <<< "$classpath"
  for entry in "${entries[@]}"; do
    [ "$entry" -nt "$archive" ] && return 0
  done
  return 1
}

# Records ARCHIVE with JAVA (of FEATURE) from CdsTraining's offline run, with the flags that follow; on failure there
# is no archive (the CLI runs without one).
ecsa_record_archive() {
  local archive="$1" java="$2" feature="$3" classpath="$4"
  shift 4
  local record
  if [ "$feature" -ge 25 ]; then record="-XX:AOTCacheOutput=$archive"; else record="-XX:ArchiveClassesAtExit=$archive"; fi
  rm -f "$archive" "$archive.key"
  if "$java" "$@" "$record" -cp "$classpath" dev.ecsa.cli.CdsTraining >/dev/null 2>&1 && [ -f "$archive" ]; then
    printf '%s %s\n' "$java" "$classpath" > "$archive.key"
  else
    rm -f "$archive"
  fi
}
