#!/usr/bin/env bash
# Nextflow beforeScript: reserves SIZE on the autoscaled mount before the task writes, tied to the
# task's shell (.command.run, this script's parent), so the agent frees it when the task ends in any
# way, even killed; after.sh frees it at once on a normal end. For tasks that run on the host where
# the agent runs (the local, slurm or sge executors on EC2); tasks in AWS Batch containers use
# ../batch/reserve-and-run.sh instead. The task's user must be in the group `reservations.group` names.
#
#   process { beforeScript = 'bash /opt/ebs-autoscale-jobs/nextflow/before.sh 100GiB' }
#
# EBS_AUTOSCALE_MOUNT  which agent, when the host has several (default: the only one)
# EBS_AUTOSCALE_TTL    how long it counts at most (default 6h)
set -euo pipefail

size=${1:?usage: before.sh SIZE (e.g. 100GiB)}
# The task's work directory ends in its hash: the holder names the task in `ebs-autoscale status`.
holder="nextflow-$(basename "$PWD")"
mount_args=()
if [ -n "${EBS_AUTOSCALE_MOUNT:-}" ]; then mount_args=(-m "$EBS_AUTOSCALE_MOUNT"); fi

# --wait: the task starts once the space is there; a refusal fails the task, and its errorStrategy decides.
ebs-autoscale reserve "$size" --wait --holder "$holder" --pid "$PPID" --ttl "${EBS_AUTOSCALE_TTL:-6h}" "${mount_args[@]}" > .ebs-autoscale-reservation
