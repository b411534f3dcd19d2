#!/bin/bash
# Offline-bench stand-in for aws/amazon-ecs-agent scripts/ecs-anywhere-install.sh.
# Same flags, same order of steps, same files on the host and the same exit status (1 on any failure), but
# nothing is downloaded: the "packages" are small fake agents that register through the control-plane
# simulator's agent endpoints (@@SIMULATOR_ENDPOINT@@ is replaced by the bench before this is served).
# It runs inside a simulated host's sandbox (see HOSTS.md), never on a real machine.
set -e

SIM_ENDPOINT="@@SIMULATOR_ENDPOINT@@"
SIM_AGENT_VERSION="1.82.0"
# The SSM agent version the stand-in installs (its package's version without the "-1" release).
SIM_SSM_AGENT_VERSION="3.3.1142.0"
SIM_WAIT_TRIES=10
SIM_WAIT_SLEEP=1
# Seconds spent "downloading" the agents' packages: the real script spends most of its time there.
SIM_DOWNLOAD_SECONDS=@@DOWNLOAD_SECONDS@@

REGION=""
ACTIVATION_CODE=""
ACTIVATION_ID=""
# The default cluster, as in the real script.
ECS_CLUSTER=""
DOCKER_SOURCE=""
ECS_VERSION=""
DEB_URL=""
RPM_URL=""
CERTS_FILE=""
ECS_ENDPOINT=""
IP_COMPATIBILITY=""
SKIP_REGISTRATION=false
SKIP_GPG_CHECK=false
NO_START=false
ENABLE_GPU=false
SSM_SERVICE_NAME="amazon-ssm-agent"
SSM_AGENT_BIN="/usr/bin/amazon-ssm-agent"

usage() {
    cat <<USAGE
Download and configure ECS Anywhere and SSM agents (offline-bench stand-in).

Usage: $0 --region REGION --activation-id ID --activation-code CODE [options]

    --help                   Show this help
    --region                 Region of the cluster and the SSM activation (required)
    --activation-id          SSM activation id (required unless --skip-registration)
    --activation-code        SSM activation code (required unless --skip-registration)
    --cluster                ECS cluster to join (default: default)
    --enable-gpu             Enable GPU support (needs nvidia-smi)
    --docker-install-source  all | docker | distro | none (default: all)
    --ecs-version            amazon-ecs-init version (default: latest)
    --ecs-endpoint           ECS endpoint override (ECS_BACKEND_HOST)
    --skip-registration      Skip SSM agent installation and registration
    --certs-file             CA bundle for ECS Exec
    --ip-compatibility       ipv4 | ipv6 (default: detect)
    --no-start               Install and enable, but do not start the agents
USAGE
}

fail() {
    echo ""
    echo -e "\033[0;31mInstall failed, check the output above for the cause\033[0m"
    exit 1
}

check-option-value() {
    if [ -z "$2" ] || [ "${2:0:2}" == "--" ]; then
        echo "Command line option $1 was passed an invalid value: '$2'. Perhaps you passed in an empty env var?"
        fail
    fi
}

while :; do
    case "$1" in
    --help) usage; exit 0 ;;
    --region) check-option-value "$1" "$2"; REGION="$2"; shift 2 ;;
    --cluster) check-option-value "$1" "$2"; ECS_CLUSTER="$2"; shift 2 ;;
    --activation-code) check-option-value "$1" "$2"; ACTIVATION_CODE="$2"; shift 2 ;;
    --activation-id) check-option-value "$1" "$2"; ACTIVATION_ID="$2"; shift 2 ;;
    --docker-install-source) check-option-value "$1" "$2"; DOCKER_SOURCE="$2"; shift 2 ;;
    --ecs-version) check-option-value "$1" "$2"; ECS_VERSION="$2"; shift 2 ;;
    --ecs-endpoint) check-option-value "$1" "$2"; ECS_ENDPOINT="$2"; shift 2 ;;
    --certs-file) check-option-value "$1" "$2"; CERTS_FILE="$2"; shift 2 ;;
    --ip-compatibility) check-option-value "$1" "$2"; IP_COMPATIBILITY="$2"; shift 2 ;;
    --deb-url) check-option-value "$1" "$2"; DEB_URL="$2"; shift 2 ;;
    --rpm-url) check-option-value "$1" "$2"; RPM_URL="$2"; shift 2 ;;
    --skip-registration) SKIP_REGISTRATION=true; shift 1 ;;
    --skip-gpg-check) SKIP_GPG_CHECK=true; shift 1 ;;
    --no-start) NO_START=true; shift 1 ;;
    --enable-gpu) ENABLE_GPU=true; shift 1 ;;
    *)
        [ -z "$1" ] && break
        usage
        echo "$1: invalid option"
        fail
        ;;
    esac
done

# Step 1: root and systemd.
if [ "$(id -u)" -ne 0 ]; then
    echo "This script must be run as a root user"
    fail
fi
if [ ! -d /run/systemd/system ]; then
    echo "The install script currently supports only systemd."
    fail
fi

# Step 2: the snap-packaged SSM agent (Ubuntu) has its own unit and binary.
if systemctl is-enabled snap.amazon-ssm-agent.amazon-ssm-agent.service &>/dev/null; then
    echo "Detected SSM agent installed via snap."
    SSM_SERVICE_NAME="snap.amazon-ssm-agent.amazon-ssm-agent.service"
    SSM_AGENT_BIN="/snap/amazon-ssm-agent/current/amazon-ssm-agent"
fi

# Step 3: arguments and defaults.
if [ -z "$REGION" ]; then
    echo "--region is required"
    fail
fi
if ! $SKIP_REGISTRATION; then
    if [ -z "$ACTIVATION_ID" ] || [ -z "$ACTIVATION_CODE" ]; then
        echo "Both --activation-id and --activation-code are required unless --skip-registration is specified."
        fail
    fi
fi
if [ -z "$ECS_CLUSTER" ]; then ECS_CLUSTER="default"; fi
if [ -z "$DOCKER_SOURCE" ]; then DOCKER_SOURCE="all"; fi
if [ -z "$ECS_VERSION" ]; then ECS_VERSION="latest"; fi
case "$DOCKER_SOURCE" in all|docker|distro|none) ;; *)
    echo "Invalid --docker-install-source: $DOCKER_SOURCE (all, docker, distro or none)"; fail ;;
esac
case "$IP_COMPATIBILITY" in ""|ipv4|ipv6) ;; *)
    echo "Invalid --ip-compatibility: $IP_COMPATIBILITY (ipv4 or ipv6)"; fail ;;
esac

# Step 4: architecture.
ARCH=$(uname -m)
if [ "$ARCH" == "x86_64" ]; then
    ARCH_ALT="amd64"
elif [ "$ARCH" == "aarch64" ]; then
    ARCH_ALT="arm64"
else
    echo "Unsupported architecture: $ARCH"
    fail
fi

# Step 6: distribution.
# shellcheck disable=SC1091
source /etc/os-release
DISTRO=""
if echo "$ID" | grep -q ubuntu; then
    DISTRO="ubuntu"
elif echo "$ID" | grep -q debian; then
    DISTRO="debian"
elif echo "$ID" | grep -q fedora; then
    DISTRO="fedora"
elif echo "$ID" | grep -q centos; then
    DISTRO="centos"
elif echo "$ID" | grep -q rhel; then
    DISTRO="rhel"
elif echo "$ID" | grep -q amzn && [ "$VERSION_ID" == "2" ]; then
    DISTRO="al2"
fi
# As the real script: an unnamed distribution (AL2023, SUSE...) goes on with its package manager's path and the
# "distro" docker source.
if [ "$DISTRO" == "rhel" ] && [ "$DOCKER_SOURCE" != "none" ]; then
    echo "Docker install is not supported on RHEL; install docker yourself and use --docker-install-source none"
    fail
fi
echo "Running ECS Anywhere install on $PRETTY_NAME ($ARCH_ALT), cluster $ECS_CLUSTER, region $REGION"

# Step 7: package manager, and the tools the rest of the script needs.
if command -v dnf &>/dev/null; then
    PKG_MANAGER="dnf"
    dnf install -y jq
elif command -v yum &>/dev/null; then
    PKG_MANAGER="yum"
    if [ "$DISTRO" != "al2" ]; then yum install -y epel-release; fi
    yum install -y jq
elif command -v apt &>/dev/null; then
    PKG_MANAGER="apt"
    apt update -y
    apt-get install -y curl jq
elif command -v zypper &>/dev/null; then
    PKG_MANAGER="zypper"
    zypper install -y jq
else
    echo "Unsupported package manager"
    fail
fi

install-package() { # <local package file>
    case "$PKG_MANAGER" in
        apt) apt install -y "$1" ;;
        dnf|yum) "$PKG_MANAGER" install -y "$1" ;;
        zypper) zypper install -y --no-gpg-checks --allow-unsigned-rpm "$1" ;;
    esac
}

gpg-check() { # the bench's packages are generated locally; only the real script's messages are kept.
    if $SKIP_GPG_CHECK; then
        echo "Skipping GPG validation of $1"
    else
        echo "$1 GPG verified (bench package, generated locally)"
    fi
}

PKG_EXT="deb"
if [ "$PKG_MANAGER" != "apt" ]; then PKG_EXT="rpm"; fi
WORKDIR=$(mktemp -d)
trap 'rm -rf "$WORKDIR"' EXIT

bench-package() { # <name> <version> <file>: a bench package file (see the pkg shim) for the package manager
    printf 'ecsa-sim-package\nPackage: %s\nVersion: %s\nArchitecture: %s\n' "$1" "$2" "$ARCH_ALT" > "$3"
}

write-ssm-agent() {
    mkdir -p /lib/systemd/system /var/log/amazon/ssm /etc/amazon/ssm
    cat > /usr/bin/amazon-ssm-agent <<AGENT
#!/bin/bash
# amazon-ssm-agent (offline-bench fake): registers through the simulator, reports pings.
SIM_ENDPOINT="$SIM_ENDPOINT"
AGENT
    cat >> /usr/bin/amazon-ssm-agent <<'AGENT'
VAULT=/var/lib/amazon/ssm/Vault/Store/RegistrationKey
LOG=/var/log/amazon/ssm/amazon-ssm-agent.log
mkdir -p /var/log/amazon/ssm
log() { echo "$(date -u '+%Y-%m-%d %H:%M:%S') $*" >> "$LOG"; }
# The version is the installed package's (an upgrade or a rollback changes it), without the package release.
VERSION=$(sed 's/-[0-9]*$//' /run/ecsa-sim/package-versions/amazon-ssm-agent 2>/dev/null)
[ -n "$VERSION" ] || VERSION=3.3.1142.0
post() { # <path> <json> -> body, then a line with the HTTP status
    curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' --data "$2" "$SIM_ENDPOINT$1"
}
ping() {
    local id; id=$(jq -r '.instanceID // empty' "$VAULT" 2>/dev/null)
    [ -n "$id" ] || { log "ERROR instance is not registered"; return 1; }
    post /_sim/agent/ssm/ping "$(jq -nc --arg i "$id" --arg s "$1" --arg v "$VERSION" \
        '{instanceId:$i,pingStatus:$s,agentVersion:$v}')" >/dev/null
    log "INFO ping $1 for $id"
}
if [ "$1" = "-register" ]; then
    shift
    CODE=""; ID=""; REGION=""; CLEAR=false
    while [ $# -gt 0 ]; do
        case "$1" in
            -code) CODE="$2"; shift 2 ;;
            -id) ID="$2"; shift 2 ;;
            -region) REGION="$2"; shift 2 ;;
            -clear) CLEAR=true; shift ;;
            -y) shift ;;
            *) echo "unknown flag $1" >&2; exit 1 ;;
        esac
    done
    if $CLEAR; then rm -f "$VAULT"; log "INFO registration cleared"; echo "Registration cleared"; exit 0; fi
    # os-release sets ID too: read it in a subshell so the activation id is not overwritten.
    OS_NAME=$(. /etc/os-release; echo "$NAME")
    OS_VERSION=$(. /etc/os-release; echo "$VERSION_ID")
    BODY=$(jq -nc --arg id "$ID" --arg code "$CODE" --arg r "$REGION" --arg h "$(hostname)" \
        --arg pn "$OS_NAME" --arg pv "$OS_VERSION" \
        '{activationId:$id,activationCode:$code,region:$r,hostname:$h,ipAddress:"127.0.0.1",platformName:$pn,platformVersion:$pv}')
    RESP=$(post /_sim/agent/ssm/register "$BODY") || { echo "Registration failed: cannot reach SSM" >&2; exit 1; }
    STATUS="${RESP##*$'\n'}"; RESP="${RESP%$'\n'*}"
    if [ "$STATUS" != "200" ]; then
        MSG=$(echo "$RESP" | jq -r '(.__type // "Error") + ": " + (.message // "")' 2>/dev/null || echo "HTTP $STATUS")
        log "ERROR Registration failed due to error registering the instance with AWS SSM. $MSG"
        echo "Error occurred fetching the seelog config file path:  open /etc/amazon/ssm/seelog.xml: no such file or directory" >&2
        echo "Registration failed due to error registering the instance with AWS SSM. $MSG" >&2
        exit 1
    fi
    MI=$(echo "$RESP" | jq -r .instanceId)
    mkdir -p /var/lib/amazon/ssm/Vault/Store
    umask 077
    jq -nc --arg i "$MI" --arg r "$REGION" \
        '{instanceID:$i,region:$r,instanceType:"on-premises",availabilityZone:"",privateKey:"(bench placeholder)",privateKeyType:"Rsa"}' > "$VAULT"
    jq -nc --arg i "$MI" --arg r "$REGION" '{ManagedInstanceID:$i,Region:$r}' > /var/lib/amazon/ssm/registration
    log "INFO Successfully registered the instance with AWS SSM using Managed instance-id: $MI"
    echo "Successfully registered the instance with AWS SSM using Managed instance-id: $MI"
    exit 0
fi
broken() { # a fault: this version of the package does not start on this host (/run/ecsa-sim/faults)
    grep -qxF "broken amazon-ssm-agent $(cat /run/ecsa-sim/package-versions/amazon-ssm-agent 2>/dev/null)" \
        /run/ecsa-sim/faults 2>/dev/null
}
case "$1" in
    ""|-sim-start)
        if broken; then log "ERROR amazon-ssm-agent $VERSION failed to start (bench fault)"; ping ConnectionLost; exit 1; fi
        ping Online ;;
    -sim-stop) ping ConnectionLost ;;
    -version|--version) echo "SSM Agent version: $VERSION" ;;
    *) echo "unsupported in the bench: $*" >&2; exit 1 ;;
esac
AGENT
    cat > /usr/bin/ssm-cli <<'CLI'
#!/bin/bash
# ssm-cli (offline-bench fake)
if [ "$1" = get-instance-information ]; then
    V=$(sed 's/-[0-9]*$//' /run/ecsa-sim/package-versions/amazon-ssm-agent 2>/dev/null)
    jq -c --arg v "${V:-3.3.1142.0}" '{region:.region,"instance-id":.instanceID,"release-version":$v}' /var/lib/amazon/ssm/Vault/Store/RegistrationKey
else
    echo "unsupported" >&2; exit 1
fi
CLI
    chmod 755 /usr/bin/amazon-ssm-agent /usr/bin/ssm-cli
    cat > /lib/systemd/system/amazon-ssm-agent.service <<'UNIT'
# ecsa-sim unit
[Unit]
Description=amazon-ssm-agent (bench)
[Service]
ExecStart=/usr/bin/amazon-ssm-agent
ExecStop=/usr/bin/amazon-ssm-agent -sim-stop
UNIT
}

# Step 8: SSM agent.
if [ "$SIM_DOWNLOAD_SECONDS" -gt 0 ]; then
    sleep "$SIM_DOWNLOAD_SECONDS"
fi
if ! $SKIP_REGISTRATION; then
    if [ "$IP_COMPATIBILITY" == "ipv6" ] && [ ! -f /etc/amazon/ssm/amazon-ssm-agent.json ]; then
        mkdir -p /etc/amazon/ssm
        echo '{"Agent":{"UseDualStackEndpoint":true}}' > /etc/amazon/ssm/amazon-ssm-agent.json
    fi
    if systemctl is-enabled "$SSM_SERVICE_NAME" &>/dev/null; then
        echo "SSM agent is already installed."
    else
        echo "Installing SSM agent from amazon-ssm-$REGION (bench package)"
        write-ssm-agent
        bench-package amazon-ssm-agent "$SIM_SSM_AGENT_VERSION-1" "$WORKDIR/amazon-ssm-agent.$PKG_EXT"
        gpg-check "amazon-ssm-agent.$PKG_EXT"
        if [ "$PKG_MANAGER" == "apt" ]; then dpkg -i "$WORKDIR/amazon-ssm-agent.deb"; else install-package "$WORKDIR/amazon-ssm-agent.rpm"; fi
    fi
    EXISTING_INSTANCE_ID=$(jq -r '.instanceID // empty' /var/lib/amazon/ssm/Vault/Store/RegistrationKey 2>/dev/null || true)
    if [ -z "$EXISTING_INSTANCE_ID" ]; then
        systemctl stop "$SSM_SERVICE_NAME" || true
        echo "Registering the instance with SSM activation $ACTIVATION_ID"
        if ! "$SSM_AGENT_BIN" -register -code "$ACTIVATION_CODE" -id "$ACTIVATION_ID" -region "$REGION" -y; then
            echo "SSM agent registration failed"
            fail
        fi
        systemctl enable "$SSM_SERVICE_NAME"
        if ! $NO_START; then systemctl start "$SSM_SERVICE_NAME"; fi
    else
        echo "SSM agent is already registered. Managed instance ID: $EXISTING_INSTANCE_ID"
        systemctl enable "$SSM_SERVICE_NAME"
        if ! $NO_START; then systemctl start "$SSM_SERVICE_NAME"; fi
    fi
else
    if ! systemctl is-enabled "$SSM_SERVICE_NAME" &>/dev/null; then
        echo "--skip-registration requires the SSM agent service ($SSM_SERVICE_NAME) to be installed and enabled"
        fail
    fi
    echo "Skipping SSM agent installation and registration"
fi

# Step 9: docker.
if command -v docker &>/dev/null; then
    echo "Docker is already installed, skipping docker install"
elif [ "$DOCKER_SOURCE" == "none" ]; then
    echo "Docker install source is none, skipping docker install"
else
    if [ "$DOCKER_SOURCE" != "distro" ] && { [ "$DISTRO" == "ubuntu" ] || [ "$DISTRO" == "debian" ] || [ "$DISTRO" == "centos" ] || [ "$DISTRO" == "fedora" ]; }; then
        echo "Installing docker-ce from download.docker.com (bench package)"
        case "$PKG_MANAGER" in apt) apt-get install -y docker-ce docker-ce-cli containerd.io ;; *) "$PKG_MANAGER" install -y docker-ce docker-ce-cli containerd.io ;; esac
    elif [ "$DOCKER_SOURCE" == "docker" ]; then
        echo "Docker install source docker is not supported on $DISTRO"
        fail
    else
        if [ "$DISTRO" == "centos" ] || [ "$DISTRO" == "fedora" ]; then
            echo "Docker from the distro is not supported on $DISTRO"
            fail
        fi
        case "$PKG_MANAGER" in apt) apt install -y docker.io ;; zypper) zypper install -y docker ;; *) "$PKG_MANAGER" install -y docker ;; esac
    fi
fi

# Step 10: ECS Exec prerequisites (certificates; the SSM binaries tarball is not fetched on the bench).
CERTS_DIR=/var/lib/ecs/deps/execute-command/certs
mkdir -p "$CERTS_DIR" "/var/lib/ecs/deps/execute-command/bin"
if [ -z "$CERTS_FILE" ]; then
    for c in /etc/ssl/certs/ca-certificates.crt /etc/pki/tls/certs/ca-bundle.crt /etc/ssl/ca-bundle.pem \
             /etc/pki/tls/cacert.pem /etc/pki/ca-trust/extracted/pem/tls-ca-bundle.pem /etc/ssl/cert.pem; do
        if [ -f "$c" ]; then CERTS_FILE="$c"; break; fi
    done
fi
if [ -n "$CERTS_FILE" ] && [ -f "$CERTS_FILE" ]; then
    rm -f "$CERTS_DIR/tls-ca-bundle.pem"
    cp "$CERTS_FILE" "$CERTS_DIR/tls-ca-bundle.pem"
    chmod 400 "$CERTS_DIR/tls-ca-bundle.pem"
else
    echo "No CA bundle found for ECS Exec"
    fail
fi

write-ecs-init() {
    mkdir -p /lib/systemd/system /var/log/ecs /var/cache/ecs /var/lib/ecs/data
    cat > /usr/libexec/amazon-ecs-init <<INIT
#!/bin/bash
# amazon-ecs-init (offline-bench fake): "start" registers the container instance through the simulator.
SIM_ENDPOINT="$SIM_ENDPOINT"
BAKED_VERSION="$SIM_AGENT_VERSION"
INIT
    cat >> /usr/libexec/amazon-ecs-init <<'INIT'
LOG=/var/log/ecs/ecs-agent.log
# The agent's version is the installed package's (an upgrade or a rollback changes it), without the release.
PACKAGE_VERSION=$(cat /run/ecsa-sim/package-versions/amazon-ecs-init 2>/dev/null)
AGENT_VERSION=$(echo "$PACKAGE_VERSION" | sed 's/-[0-9]*$//')
[ -n "$AGENT_VERSION" ] || AGENT_VERSION="$BAKED_VERSION"
INTRO=/run/ecsa-sim/introspection/v1
CHECKPOINT=/var/lib/ecs/data/agent.db
mkdir -p /var/log/ecs /var/lib/ecs/data
log() { echo "level=$1 time=$(date -u +%Y-%m-%dT%H:%M:%SZ) msg=\"$2\"" >> "$LOG"; }
post() { curl -s -w '\n%{http_code}' -X POST -H 'Content-Type: application/json' --data "$2" "$SIM_ENDPOINT$1"; }
serve-metadata() { # <cluster> <arn or empty>: what the introspection API on :51678 answers from now on
    mkdir -p "$INTRO"
    jq -nc --arg c "$1" --arg a "$2" --arg v "Amazon ECS Agent - v$AGENT_VERSION (sim)" \
        '{Cluster:$c,ContainerInstanceArn:(if $a == "" then null else $a end),Version:$v}' > "$INTRO/metadata.new"
    mv "$INTRO/metadata.new" "$INTRO/metadata"
}
connect() { # <arn> <true|false>
    post /_sim/agent/ecs/connect "$(jq -nc --arg a "$1" --argjson c "$2" --arg v "$AGENT_VERSION" \
        '{containerInstanceArn:$a,connected:$c,agentVersion:$v}')" >/dev/null
}
case "$1" in
    pre-start|post-stop) exit 0 ;;
    stop)
        if [ -f "$CHECKPOINT" ]; then connect "$(jq -r .ContainerInstanceArn "$CHECKPOINT")" false; fi
        rm -rf /run/ecsa-sim/introspection
        log info "Agent stopped"
        exit 0 ;;
    start) ;;
    *) echo "usage: amazon-ecs-init pre-start|start|stop|post-stop" >&2; exit 1 ;;
esac
CLUSTER="${ECS_CLUSTER:-default}"
log info "Amazon ECS agent Version: $AGENT_VERSION (sim), cluster $CLUSTER"
if [ -n "$PACKAGE_VERSION" ] && grep -qxF "broken amazon-ecs-init $PACKAGE_VERSION" /run/ecsa-sim/faults 2>/dev/null; then
    log critical "Agent $AGENT_VERSION exited: bench fault (this package version does not start on this host)"
    exit 1
fi
if grep -q '^SIM_AGENT_NEVER_REGISTERS=1' /run/ecsa-sim/host.conf 2>/dev/null; then
    # The agent listens but never gets a container instance (e.g. no route to ECS).
    log error "Unable to register as a container instance with ECS: RequestError: send request failed (bench: host configured to never register)"
    serve-metadata "$CLUSTER" ""
    exit 0
fi
if [ -f "$CHECKPOINT" ]; then
    ARN=$(jq -r .ContainerInstanceArn "$CHECKPOINT")
    SAVED=$(jq -r .Cluster "$CHECKPOINT")
    if [ "$SAVED" != "$CLUSTER" ]; then
        log error "Data mismatch; saved cluster '$SAVED' does not match configured cluster '$CLUSTER'"
        exit 1
    fi
    log info "Restored container instance $ARN from the checkpoint"
else
    INSTANCE_ID=$(jq -r '.instanceID // empty' /var/lib/amazon/ssm/Vault/Store/RegistrationKey 2>/dev/null)
    if [ -z "$INSTANCE_ID" ]; then
        log error "Unable to register as a container instance with ECS: NoCredentialProviders: no valid providers in chain"
        exit 1
    fi
    ATTRS="${ECS_INSTANCE_ATTRIBUTES:-}"; [ -n "$ATTRS" ] || ATTRS='{}'
    TAGS="${ECS_CONTAINER_INSTANCE_TAGS:-}"; [ -n "$TAGS" ] || TAGS='{}'
    if ! BODY=$(jq -nc --arg c "$CLUSTER" --arg i "$INSTANCE_ID" --argjson a "$ATTRS" --argjson t "$TAGS" --arg v "$AGENT_VERSION" \
        '{cluster:$c,instanceId:$i,attributes:$a,tags:$t,agentVersion:$v}' 2>>"$LOG"); then
        log error "Unable to parse ECS_INSTANCE_ATTRIBUTES / ECS_CONTAINER_INSTANCE_TAGS as JSON objects"
        exit 1
    fi
    RESP=$(post /_sim/agent/ecs/register "$BODY") || { log error "Unable to reach ECS"; exit 1; }
    STATUS="${RESP##*$'\n'}"; RESP="${RESP%$'\n'*}"
    if [ "$STATUS" != "200" ]; then
        log error "Unable to register as a container instance with ECS: $(echo "$RESP" | jq -r '(.__type // "Error") + ": " + (.message // "")' 2>/dev/null)"
        exit 1
    fi
    ARN=$(echo "$RESP" | jq -r .containerInstanceArn)
    jq -nc --arg c "$CLUSTER" --arg a "$ARN" '{Cluster:$c,ContainerInstanceArn:$a}' > "$CHECKPOINT"
    log info "Registered container instance with cluster: $CLUSTER, arn: $ARN"
fi
connect "$ARN" true
serve-metadata "$CLUSTER" "$ARN"
exit 0
INIT
    printf '#!/bin/bash\n# amazon-ecs-volume-plugin (offline-bench fake)\nexit 0\n' > /usr/libexec/amazon-ecs-volume-plugin
    chmod 755 /usr/libexec/amazon-ecs-init /usr/libexec/amazon-ecs-volume-plugin
    cat > /lib/systemd/system/ecs.service <<'UNIT'
# ecsa-sim unit
[Unit]
Description=Amazon Elastic Container Service - container agent (bench)
[Service]
EnvironmentFile=-/var/lib/ecs/ecs.config
EnvironmentFile=-/etc/ecs/ecs.config
ExecStartPre=/usr/libexec/amazon-ecs-init pre-start
ExecStart=/usr/libexec/amazon-ecs-init start
ExecStop=/usr/libexec/amazon-ecs-init stop
ExecStopPost=/usr/libexec/amazon-ecs-init post-stop
UNIT
}

# Step 11: ecs-init.
install-ecs-init() {
    if [ -x /usr/libexec/amazon-ecs-init ]; then
        echo "The ecs agent is already installed, skipping install and configuration"
        return 0
    fi
    local src="amazon-ecs-agent-$REGION"
    if [ "$PKG_EXT" == "deb" ] && [ -n "$DEB_URL" ]; then src="$DEB_URL"; fi
    if [ "$PKG_EXT" == "rpm" ] && [ -n "$RPM_URL" ]; then src="$RPM_URL"; fi
    echo "Installing amazon-ecs-init $ECS_VERSION from $src (bench package)"
    write-ecs-init
    local version="$SIM_AGENT_VERSION"
    if [ "$ECS_VERSION" != latest ]; then version="$ECS_VERSION"; fi
    bench-package amazon-ecs-init "$version-1" "$WORKDIR/amazon-ecs-init.$PKG_EXT"
    gpg-check "amazon-ecs-init.$PKG_EXT"
    install-package "$WORKDIR/amazon-ecs-init.$PKG_EXT"

    mkdir -p /etc/ecs /var/lib/ecs
    touch /etc/ecs/ecs.config
    echo "ECS_CLUSTER=$ECS_CLUSTER" >> /etc/ecs/ecs.config
    touch /var/lib/ecs/ecs.config
    {
        echo "AWS_DEFAULT_REGION=$REGION"
        echo "ECS_EXTERNAL=true"
        if [ -n "$ECS_ENDPOINT" ]; then echo "ECS_BACKEND_HOST=$ECS_ENDPOINT"; fi
        if $ENABLE_GPU; then echo "ECS_ENABLE_GPU_SUPPORT=true"; fi
    } >> /var/lib/ecs/ecs.config

    systemctl enable ecs
    if ! $NO_START; then systemctl start ecs; fi
}
if $ENABLE_GPU && ! nvidia-smi &>/dev/null; then
    echo "--enable-gpu needs a working nvidia-smi"
    fail
fi
install-ecs-init

# Step 12: wait for the agent to register (the real script: 10 tries, sleep 10).
wait-agent-start() {
    if $NO_START; then
        echo "--no-start was given: the ECS and SSM agents were installed but not started."
        return 0
    fi
    local i
    for i in $(seq 1 "$SIM_WAIT_TRIES"); do
        if timeout 10 curl -s http://localhost:51678/v1/metadata | jq .ContainerInstanceArn | grep -q "arn:"; then
            echo "Ping ECS Agent registered successfully! Container instance arn: $(curl -s http://localhost:51678/v1/metadata | jq -r .ContainerInstanceArn)"
            return 0
        fi
        echo "Waiting for the ECS agent to register (try $i of $SIM_WAIT_TRIES)"
        sleep "$SIM_WAIT_SLEEP"
    done
    echo "Timed out waiting for ECS Agent to start. Please check logs at /var/log/ecs/ecs-agent.log"
    fail
}
wait-agent-start

echo ""
echo "##########################"
echo "This script installed the (bench) ECS Anywhere agents; the real script prints license information here."
echo "##########################"
