# Sourced by Berth's scripts: where set-up puts its tools, and PATH pointing there first.
export BERTH_TOOLS_DIR=${BERTH_TOOLS_DIR:-$HOME/.berth/tools}
export BERTH_PNPM_VERSION=12.21.0
# System packages the test suite runs for real.
export BERTH_APT_PACKAGES="git curl postgresql docker.io iptables iproute2 docker-registry mmdebstrap busybox-static tmux containernetworking-plugins conntrack socat openssl"
case ":$PATH:" in *":$BERTH_TOOLS_DIR/node/bin:"*) ;; *) export PATH="$BERTH_TOOLS_DIR/node/bin:$PATH" ;; esac
