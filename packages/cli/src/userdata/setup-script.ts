import type { ArtifactSource } from './artifact-source.js';
import { shellQuote } from './shell-quote.js';
import type { TargetOsProfile, UserdataDriver } from './target-os.js';
import { targetTools } from './target-os.js';

/** Where the agent is unpacked; the launcher is `bin/ebs-autoscale` below it. */
export const AGENT_PREFIX = '/opt/ebs-autoscale';

/**
 * Seconds each step may take, so that a stuck mirror, bucket or EC2 call fails the setup with its name
 * instead of holding Docker back until the unit's own limit (SETUP_TIMEOUT_SECONDS) kills it unnamed.
 */
export const STEP_TIMEOUT_SECONDS = { packages: 240, fetch: 120, install: 200 } as const;

/** What {@link buildSetupScript} writes. */
export interface SetupPlan {
  readonly os: TargetOsProfile;
  readonly driver: UserdataDriver;
  readonly artifact: ArtifactSource;
  readonly mountPoint: string;
  /** Extra `install` arguments, after `--mountpoint` and `--driver`. */
  readonly installArgs: readonly string[];
}

/**
 * The POSIX sh program that ebs-autoscale-setup.service runs at boot (sh, dash and bash all run it):
 * 1. the packages the driver needs, with the distribution's own manager, only when a tool is missing;
 * 2. the artifact, with the AWS CLI for s3 (AL2023 and the ECS-optimized AMIs ship v2) or curl;
 * 3. its SHA-256 against `--sha256`, or against the SHA256SUMS beside an s3 artifact; a mismatch
 *    installs nothing;
 * 4. unpacked beside the prefix and renamed into place, so a half-written tree is never run;
 * 5. `ebs-autoscale install` for the mount point, which is idempotent.
 * A reboot runs it again: it skips what is in place (the tools, an unpacked artifact of the same digest),
 * and install changes nothing. Every outside value enters as a single-quoted word.
 */
export function buildSetupScript(plan: SetupPlan): string {
  const { os, artifact } = plan;
  const tools = targetTools(os, plan.driver);
  const packages = [...new Set(tools.map((tool) => tool.packageName))];
  const install = [
    `"$prefix/bin/ebs-autoscale"`,
    'install',
    '--mountpoint',
    shellQuote(plan.mountPoint),
    '--driver',
    shellQuote(plan.driver),
    '--timeout',
    String(STEP_TIMEOUT_SECONDS.install),
    ...plan.installArgs.map(shellQuote),
  ].join(' ');
  const words = (argv: readonly string[]) => argv.map(shellQuote).join(' ');
  return `#!/bin/sh
# Written by \`ebs-autoscale userdata\`: installs the ebs-autoscale agent for ${oneLine(plan.mountPoint)} on ${os.distribution.name}.
# Run at boot by ebs-autoscale-setup.service, bounded in time; its output goes to the console and the journal.
set -eu
artifact=${shellQuote(artifact.url)}
artifact_name=${shellQuote(artifact.fileName)}
sha256=${shellQuote(artifact.sha256 ?? '')}
prefix=${shellQuote(AGENT_PREFIX)}
say() { echo "ebs-autoscale-setup: $*"; }
fail() { say "FAILED: $*"; exit 1; }

# 1. Packages: only when a tool the ${plan.driver} driver runs is missing.
missing=
for tool in ${tools.map((tool) => shellQuote(tool.tool)).join(' ')}; do
  command -v "$tool" >/dev/null 2>&1 || missing="$missing $tool"
done
if [ -n "$missing" ]; then
  say "installing ${packages.join(' ')} (missing:$missing)"
${os.refresh ? `  timeout ${STEP_TIMEOUT_SECONDS.packages} ${words(os.refresh)} || fail "${os.refresh.join(' ')} failed"\n` : ''}  timeout ${STEP_TIMEOUT_SECONDS.packages} ${words([...os.install, ...packages])} || fail "${[...os.install, ...packages].join(' ')} failed"
fi

# 2. to 4. The agent: fetched, verified and unpacked, unless this very artifact is in place already.
${archCheck(artifact)}
if [ -n "$sha256" ] && [ -x "$prefix/bin/ebs-autoscale" ] && [ "$(cat "$prefix/.sha256" 2>/dev/null || true)" = "$sha256" ]; then
  say "$artifact_name is installed already"
else
  mkdir -p "$(dirname "$prefix")"
  work=$(mktemp -d "$prefix.setup.XXXXXX")
  trap 'rm -rf "$work"' EXIT
  say "fetching $artifact"
${fetchCommands(artifact)}
  actual=$(sha256sum "$work/$artifact_name" | cut -d ' ' -f 1)
  [ "$actual" = "$sha256" ] || fail "$artifact_name has SHA-256 $actual, not the expected $sha256; nothing was installed"
  mkdir "$work/tree"
  tar -xzf "$work/$artifact_name" -C "$work/tree" --strip-components=1 --no-same-owner || fail "$artifact_name is not a readable tarball"
  [ -x "$work/tree/bin/ebs-autoscale" ] || fail "$artifact_name holds no bin/ebs-autoscale: not an ebs-autoscale release"
  echo "$actual" > "$work/tree/.sha256"
  rm -rf "$prefix.old"
  if [ -e "$prefix" ]; then mv "$prefix" "$prefix.old"; fi
  mv "$work/tree" "$prefix"
  rm -rf "$prefix.old"
  mkdir -p /usr/local/bin && ln -sf "$prefix/bin/ebs-autoscale" /usr/local/bin/ebs-autoscale
  say "unpacked $artifact_name to $prefix"
fi

# 5. The agent for the mount point: its volume, filesystem, fstab line and unit.
${install} || fail "ebs-autoscale install failed (see above)"
say "done"
`;
}

/** The fetch, and for s3 without --sha256 the digest from the SHA256SUMS beside the tarball. */
function fetchCommands(artifact: ArtifactSource): string {
  if (artifact.scheme === 's3') {
    const lines = [
      `  command -v aws >/dev/null 2>&1 || fail "an s3:// artifact needs the AWS CLI, which this AMI lacks; pass an https:// URL (a presigned one works) with --sha256"`,
      `  timeout ${STEP_TIMEOUT_SECONDS.fetch} aws s3 cp --only-show-errors "$artifact" "$work/$artifact_name" || fail "aws s3 cp $artifact failed (does the instance profile allow s3:GetObject on it?)"`,
    ];
    if (artifact.sha256 === undefined) {
      lines.push(
        `  timeout ${STEP_TIMEOUT_SECONDS.fetch} aws s3 cp --only-show-errors "\${artifact%/*}/SHA256SUMS" "$work/SHA256SUMS" || fail "no SHA256SUMS beside $artifact: upload the one pnpm release wrote, or pass --sha256"`,
        `  sha256=$(awk -v name="$artifact_name" '$2 == name || $2 == "*" name { print $1 }' "$work/SHA256SUMS")`,
        `  [ -n "$sha256" ] || fail "SHA256SUMS beside $artifact has no line for $artifact_name"`,
      );
    }
    return lines.join('\n');
  }
  // --proto keeps a redirect from leaving the scheme asked for; --retry covers a boot-time network blip.
  return `  curl --fail --silent --show-error --location --proto '=${artifact.scheme}' --retry 5 --retry-delay 2 --connect-timeout 10 --max-time ${STEP_TIMEOUT_SECONDS.fetch} -o "$work/$artifact_name" "$artifact" || fail "curl $artifact failed"`;
}

/** A host of the other architecture refuses an artifact whose name says which it is. */
function archCheck(artifact: ArtifactSource): string {
  if (artifact.arch === undefined) return "# (the artifact's name does not say its architecture; the launcher fails on the wrong one)";
  const machine = artifact.arch === 'x64' ? 'x86_64' : 'aarch64';
  return `[ "$(uname -m)" = ${machine} ] || fail "$artifact_name is for ${machine}, and this host is $(uname -m): pass the linux-${artifact.arch === 'x64' ? 'arm64' : 'x64'} artifact for it"`;
}

/** For the comment line: a mount point never holds a newline (checked), this only keeps it one line. */
function oneLine(value: string): string {
  return value.replace(/[\r\n]/g, ' ');
}
