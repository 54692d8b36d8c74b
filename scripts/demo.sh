#!/usr/bin/env bash
# The main job on a fresh machine: bootstrap (apt packages, Node >= 22, pnpm, install, build), then
# run the demo: the agent grows a real btrfs mount on loop devices, provisioned through the local EC2
# simulator. Needs root (loop devices, mount). Extra arguments go to `ebs-autoscale demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/bootstrap.sh
pnpm demo "$@"
