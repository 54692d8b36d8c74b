#!/usr/bin/env bash
# Nextflow afterScript: releases the reservation before.sh made, as soon as the task's command ends.
#
#   process { afterScript = 'bash /opt/ebs-autoscale-jobs/nextflow/after.sh' }
set -uo pipefail

[ -s .ebs-autoscale-reservation ] || exit 0
mount_args=()
if [ -n "${EBS_AUTOSCALE_MOUNT:-}" ]; then mount_args=(-m "$EBS_AUTOSCALE_MOUNT"); fi
# Never fails the task: a reservation already gone (expired, or freed with its process) is fine.
ebs-autoscale release "$(cat .ebs-autoscale-reservation)" "${mount_args[@]}" || true
rm -f .ebs-autoscale-reservation
