#!/bin/bash
# First start of a host: shape the sandbox to the host configuration (host.conf). Runs inside the sandbox.
set -euo pipefail
# shellcheck disable=SC1091
. /run/ecsa-sim/host.conf
export PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin

rm -f /etc/os-release
cp /run/ecsa-sim/os-release /etc/os-release
echo "$SIM_HOSTNAME" > /etc/hostname

# systemd is detected by the presence of /run/systemd/system.
if [ "$SIM_SYSTEMD" = 1 ]; then mkdir -p /run/systemd/system; else rm -rf /run/systemd; fi
mkdir -p /etc/systemd/system /lib/systemd/system

# Hide the package managers of the machine that this distro would not have (deleting in the overlay
# leaves a whiteout in the host directory, the real files stay).
if [ "$SIM_PKG_FAMILY" != apt ]; then
  rm -f /usr/bin/apt /usr/bin/apt-get /usr/bin/apt-cache /usr/bin/dpkg /usr/bin/dpkg-query
fi
# The machine's own docker, if any, must not count as this host's docker.
rm -f /usr/bin/docker /usr/bin/dockerd
: > /run/ecsa-sim/packages

if [ "$SIM_SELINUX_ENFORCING" = 1 ]; then
  # SELinux's own tool, answering as on a host whose policy is enforced (the sandbox has no /sys/fs/selinux).
  printf '#!/bin/sh\necho Enforcing\n' > /usr/sbin/getenforce
  chmod 755 /usr/sbin/getenforce
fi

if [ "$SIM_DOCKER" = 1 ]; then
  case "$SIM_PKG_FAMILY" in
    apt) apt-get install -y docker.io ;;
    zypper) zypper --non-interactive install docker ;;
    *) yum install -y docker ;;
  esac
fi

if [ "$SIM_AWS_CREDENTIALS_FILE" = 1 ]; then
  mkdir -p /root/.aws
  cat > /root/.aws/credentials <<CREDS
[default]
aws_access_key_id = AKIAIOSFODNN7EXAMPLE
aws_secret_access_key = wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY
CREDS
  chmod 600 /root/.aws/credentials
fi
if [ "$SIM_AWS_KEY_IN_ETC_ENVIRONMENT" = 1 ]; then
  echo 'AWS_ACCESS_KEY_ID=AKIAIOSFODNN7EXAMPLE' >> /etc/environment
  echo 'AWS_SECRET_ACCESS_KEY=wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY' >> /etc/environment
fi

if [ -n "$SIM_EXISTING_INSTANCE_ID" ]; then
  mkdir -p /var/lib/amazon/ssm/Vault/Store
  printf '{"instanceID":"%s","region":"%s","instanceType":"on-premises","availabilityZone":"","privateKey":"(bench placeholder)","privateKeyType":"Rsa"}\n' \
    "$SIM_EXISTING_INSTANCE_ID" "$SIM_EXISTING_REGION" > /var/lib/amazon/ssm/Vault/Store/RegistrationKey
  chmod 600 /var/lib/amazon/ssm/Vault/Store/RegistrationKey
  printf '{"ManagedInstanceID":"%s","Region":"%s"}\n' "$SIM_EXISTING_INSTANCE_ID" "$SIM_EXISTING_REGION" \
    > /var/lib/amazon/ssm/registration
  chmod 600 /var/lib/amazon/ssm/registration
fi
