#!/usr/bin/env bash
# An AWS Batch job wrapper: reserves SIZE on the host's autoscaled mount before the job writes, runs
# the job, releases the reservation however the job ends. It runs inside the job's container and
# needs only bash and curl there: the agent's socket directory is mounted into the container (job-definition.json;
# the directory, not the socket file, since the agent makes a new socket each time it starts).
#
#   reserve-and-run.sh 300GiB -- my-step --input s3://bucket/big.bam
#
# EBS_AUTOSCALE_SOCKET  the socket inside the container (default /run/ebs-autoscale/api/scratch.sock)
# EBS_AUTOSCALE_TTL     how long the reservation counts at most (default 6h): it frees itself if the
#                       container is killed before the trap runs (a PID inside the container means
#                       nothing to the agent, so the wrapper releases it itself)
set -euo pipefail

if [ $# -lt 3 ] || [ "$2" != "--" ]; then
  echo "usage: $0 SIZE -- COMMAND [ARGS...]" >&2
  exit 2
fi
size=$1
shift 2
socket=${EBS_AUTOSCALE_SOCKET:-/run/ebs-autoscale/api/scratch.sock}
ttl=${EBS_AUTOSCALE_TTL:-6h}
holder=${AWS_BATCH_JOB_ID:-batch-job-$$}

api() { curl --silent --show-error --unix-socket "$socket" "$@"; }

# The size, TTL and holder go in as JSON strings: printf %s with the quotes and backslashes escaped,
# so a job id can never become JSON of its own.
json_string() { local s=${1//\\/\\\\}; s=${s//\"/\\\"}; printf '"%s"' "$s"; }
body=$(printf '{"size":%s,"ttl":%s,"holder":%s,"wait":true}' "$(json_string "$size")" "$(json_string "$ttl")" "$(json_string "$holder")")

# --wait: the answer comes once the agent has grown the mount for it (or refuses it).
answer=$(api --write-out '\n%{http_code}' -X POST -H 'content-type: application/json' --data "$body" http://agent/reservations)
status=${answer##*$'\n'}
answer=${answer%$'\n'*}
if [ "$status" != 201 ]; then
  echo "ebs-autoscale refused the reservation of $size ($status): $answer" >&2
  exit 75 # EX_TEMPFAIL: Batch's retry strategy can send the job to another host
fi
id=$(printf '%s' "$answer" | sed -n 's/.*"id":"\([A-Za-z0-9._-]*\)".*/\1/p')
echo "reserved $size as $id" >&2

release() { api -X DELETE "http://agent/reservations/$id" >/dev/null || true; }
trap release EXIT
trap 'exit 143' TERM # Batch stops a job with SIGTERM: exit through the EXIT trap

set +e
"$@"
code=$?
set -e
exit "$code"
