import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createExecaRunner } from '@ebs-autoscale/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEc2Simulator, type Ec2Simulator } from '../src/index.js';

// Issue 15, item 4: every EC2 call amazon-ebs-autoscale makes (bin/create-ebs-volume,
// bin/ebs-autoscale, uninstall.sh), sent by the AWS CLI, the very client it uses (v1, on
// botocore), so the simulator's wire format is checked by code nobody here wrote.
const hasAws = awsVersion() !== undefined;
if (!hasAws) console.warn('[ec2-sim] SKIPPED the AWS CLI tests: `aws` is not on PATH (install AWS CLI v1, e.g. `pip install awscli`; CI has it).');

function awsVersion(): string | undefined {
  try {
    return execFileSync('aws', ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
  } catch {
    return undefined;
  }
}

interface AwsResult {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
  /** stdout parsed as JSON; undefined when it is empty. */
  readonly json: any; // eslint-disable-line @typescript-eslint/no-explicit-any -- the CLI's output, checked field by field below
}

let sim: Ec2Simulator;
let home: string;
const runner = createExecaRunner({ timeoutMs: 60_000 });

/** `aws --endpoint-url <sim> ec2 <args>` with dummy credentials and no configuration from this machine. */
async function ec2(...args: string[]): Promise<AwsResult> {
  const result = await runner.run('aws', ['--endpoint-url', sim.endpoint, '--output', 'json', 'ec2', ...args], {
    allowFailure: true,
    env: {
      AWS_ACCESS_KEY_ID: 'AKIDEC2SIMULATOR',
      AWS_SECRET_ACCESS_KEY: 'ec2-sim-secret',
      AWS_DEFAULT_REGION: sim.region,
      AWS_REGION: sim.region,
      AWS_EC2_METADATA_DISABLED: 'true',
      AWS_CONFIG_FILE: join(home, 'config'),
      AWS_SHARED_CREDENTIALS_FILE: join(home, 'credentials'),
      // A profile of this machine's environment would be looked for in the empty files; name the one they have.
      AWS_PROFILE: 'default',
      // One attempt: a wire error shows as the error, not as retries that hide it.
      AWS_MAX_ATTEMPTS: '1',
    },
  });
  const text = result.stdout.trim();
  return {
    code: result.exitCode,
    stdout: result.stdout,
    stderr: result.stderr,
    json: text.startsWith('{') || text.startsWith('[') ? JSON.parse(text) : undefined,
  };
}

/** Exit 0 and nothing on stderr: botocore reports parse problems there even when it exits 0. */
function ok(result: AwsResult): AwsResult {
  expect({ code: result.code, stderr: result.stderr }).toEqual({ code: 0, stderr: '' });
  return result;
}

describe.skipIf(!hasAws)('the AWS CLI against ec2-sim (amazon-ebs-autoscale calls)', () => {
  beforeAll(async () => {
    home = mkdtempSync(join(tmpdir(), 'ec2-sim-aws-cli-'));
    writeFileSync(join(home, 'config'), '[default]\n');
    writeFileSync(join(home, 'credentials'), '');
    sim = await startEc2Simulator({ latencies: 'zero' });
  });
  afterAll(async () => {
    await sim?.close();
    rmSync(home, { recursive: true, force: true });
  });

  it('runs create-ebs-volume and uninstall.sh call by call, with the JSON each expects', { timeout: 120_000 }, async () => {
    const instanceId = sim.instance.instanceId;
    const az = sim.instance.availabilityZone;
    const region = sim.region;

    const instances = ok(await ec2('describe-instances', '--region', region, '--instance-ids', instanceId)).json;
    expect(instances.Reservations[0].Instances[0]).toMatchObject({ InstanceId: instanceId, Placement: { AvailabilityZone: az } });

    // create-ebs-volume renders the instance's tags (less aws:*) into the new volume's tag specification.
    const tags = ok(await ec2('describe-tags', '--region', region, '--filters', `Name=resource-id,Values=${instanceId}`)).json;
    expect(tags.Tags).toContainEqual({ Key: 'team:storage-ops', Value: 'disk growth: on', ResourceId: instanceId, ResourceType: 'instance' });

    const empty = ok(
      await ec2(
        'describe-volumes',
        '--region',
        region,
        '--filters',
        `Name=attachment.instance-id,Values=${instanceId}`,
        'Name=tag-key,Values=amazon-ebs-autoscale-creation-time',
      ),
    ).json;
    expect(empty.Volumes).toEqual([]);
    const none = ok(
      await ec2(
        'describe-volumes',
        '--region',
        region,
        '--filters',
        `Name=tag:source-instance,Values=${instanceId}`,
        '--query',
        'sum(Volumes[].Size)',
        '--output',
        'text',
      ),
    );
    expect(none.stdout.trim()).toBe('0');

    const spec = `ResourceType=volume,Tags=[{Key=Name,Value=ebs-autoscale-sim},{Key=team:storage-ops,Value=disk growth: on},{Key=source-instance,Value=${instanceId}},{Key=amazon-ebs-autoscale-creation-time,Value=2026-12-02 06:00:00 UTC+0000}]`;
    const created = ok(
      await ec2(
        'create-volume',
        '--region',
        region,
        '--availability-zone',
        az,
        '--size',
        '10',
        '--volume-type',
        'gp3',
        '--iops',
        '3000',
        '--throughput',
        '125',
        '--encrypted',
        '--tag-specification',
        spec,
      ),
    ).json;
    expect(created).toMatchObject({ AvailabilityZone: az, Size: 10, VolumeType: 'gp3', Iops: 3000, Throughput: 125, Encrypted: true, State: 'creating' });
    expect(created.VolumeId).toMatch(/^vol-[0-9a-f]{17}$/);
    expect(created.Tags).toContainEqual({ Key: 'amazon-ebs-autoscale-creation-time', Value: '2026-12-02 06:00:00 UTC+0000' });
    const volumeId: string = created.VolumeId;

    expect(ok(await ec2('wait', 'volume-available', '--region', region, '--volume-ids', volumeId)).stdout).toBe('');
    const total = ok(
      await ec2(
        'describe-volumes',
        '--region',
        region,
        '--filters',
        `Name=tag:source-instance,Values=${instanceId}`,
        '--query',
        'sum(Volumes[].Size)',
        '--output',
        'text',
      ),
    );
    expect(total.stdout.trim()).toBe('10');

    const attached = ok(await ec2('attach-volume', '--region', region, '--device', '/dev/xvdba', '--instance-id', instanceId, '--volume-id', volumeId)).json;
    expect(attached).toMatchObject({ VolumeId: volumeId, InstanceId: instanceId, Device: '/dev/xvdba', State: 'attaching' });
    ok(await ec2('wait', 'volume-in-use', '--region', region, '--volume-ids', volumeId));

    const dot = ok(
      await ec2(
        'modify-instance-attribute',
        '--region',
        region,
        '--instance-id',
        instanceId,
        '--block-device-mappings',
        `DeviceName=/dev/xvdba,Ebs={DeleteOnTermination=true,VolumeId=${volumeId}}`,
      ),
    );
    expect(dot.stdout.trim()).toBe('');
    // The daemon's count: our volumes attached here, by the creation-time tag.
    const ours = ok(
      await ec2(
        'describe-volumes',
        '--region',
        region,
        '--filters',
        `Name=attachment.instance-id,Values=${instanceId}`,
        'Name=tag-key,Values=amazon-ebs-autoscale-creation-time',
      ),
    ).json;
    expect(ours.Volumes).toHaveLength(1);
    expect(ours.Volumes[0]).toMatchObject({
      VolumeId: volumeId,
      State: 'in-use',
      Encrypted: true,
      Attachments: [{ Device: '/dev/xvdba', InstanceId: instanceId, State: 'attached', DeleteOnTermination: true }],
    });
    const attachedHere = ok(
      await ec2('describe-volumes', '--region', region, '--filters', `Name=attachment.instance-id,Values=${instanceId}`, '--query', 'Volumes[].VolumeId'),
    ).json;
    expect(attachedHere).toEqual([sim.instance.rootVolumeId, volumeId]);

    ok(await ec2('create-tags', '--region', region, '--resources', volumeId, '--tags', 'Key=ebs-autoscale:mount-point,Value=/scratch'));
    const tagged = ok(
      await ec2(
        'describe-volumes',
        '--region',
        region,
        '--filters',
        'Name=tag:ebs-autoscale:mount-point,Values=/scratch',
        '--query',
        'Volumes[0].VolumeId',
        '--output',
        'text',
      ),
    );
    expect(tagged.stdout.trim()).toBe(volumeId);

    const modified = ok(await ec2('modify-volume', '--region', region, '--volume-id', volumeId, '--size', '20')).json;
    expect(modified.VolumeModification).toMatchObject({
      VolumeId: volumeId,
      ModificationState: 'modifying',
      OriginalSize: 10,
      TargetSize: 20,
      TargetVolumeType: 'gp3',
    });
    const modifications = ok(await ec2('describe-volumes-modifications', '--region', region, '--volume-ids', volumeId)).json;
    expect(modifications.VolumesModifications).toHaveLength(1);
    expect(modifications.VolumesModifications[0]).toMatchObject({ VolumeId: volumeId, TargetSize: 20, OriginalSize: 10 });
    expect(['modifying', 'optimizing', 'completed']).toContain(modifications.VolumesModifications[0].ModificationState);
    const filtered = ok(await ec2('describe-volumes-modifications', '--region', region, '--filters', 'Name=modification-state,Values=failed')).json;
    expect(filtered.VolumesModifications).toEqual([]);

    // uninstall.sh: detach, wait until available, delete, wait until deleted.
    const detached = ok(await ec2('detach-volume', '--region', region, '--volume-id', volumeId)).json;
    expect(detached).toMatchObject({ VolumeId: volumeId, InstanceId: instanceId, State: 'detaching' });
    ok(await ec2('wait', 'volume-available', '--region', region, '--volume-ids', volumeId));
    expect(ok(await ec2('delete-volume', '--region', region, '--volume-id', volumeId)).stdout.trim()).toBe('');
    ok(await ec2('wait', 'volume-deleted', '--region', region, '--volume-ids', volumeId));
  });

  it('fails as EC2 does: exit 255 and the error code on stderr', { timeout: 60_000 }, async () => {
    const missing = await ec2('describe-volumes', '--volume-ids', 'vol-0000000000000000f');
    expect(missing.code).toBe(255);
    expect(missing.stderr).toMatch(/An error occurred \(InvalidVolume\.NotFound\) when calling the DescribeVolumes operation: .*vol-0000000000000000f/);

    const attach = await ec2('attach-volume', '--device', '/dev/xvdbz', '--instance-id', sim.instance.instanceId, '--volume-id', 'vol-0000000000000000f');
    expect(attach.code).toBe(255);
    expect(attach.stderr).toMatch(/\(InvalidVolume\.NotFound\) when calling the AttachVolume operation/);

    const badInstance = await ec2('describe-instances', '--instance-ids', 'i-00000000000000000');
    expect(badInstance.code).toBe(255);
    expect(badInstance.stderr).toMatch(/\(InvalidInstanceID\.NotFound\)/);

    // A waiter that can never succeed stops at once on EC2's error, as botocore's waiter config says.
    const gone = await ec2('wait', 'volume-available', '--volume-ids', 'vol-0000000000000000f');
    expect(gone.code).toBe(255);
    expect(gone.stderr).toMatch(/Waiter VolumeAvailable failed/);
  });
});
