#!/bin/bash
# Entry of every session inside the sandbox (called with a clean environment, see HostSandbox).
cd /root 2>/dev/null || cd /
if [ $# -gt 0 ]; then
  exec /bin/bash -c "$1"
fi
exec /bin/bash
