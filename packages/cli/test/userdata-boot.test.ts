// Issue 13, item 5: the user data's install runs for real. A minimal Debian (debootstrap minbase, with
// btrfs-progs, curl and systemd's unit files) without node stands in for the host; the release artifact is served over HTTP
// from 127.0.0.1 and EC2 is the simulator, both outside. The test does what cloud-init and systemd would:
// it runs the cloud-config's bootcmd (as cloud-init does, with sh), then the setup unit's ExecStart, then
// the agent unit's ExecStart, and checks that a wrong checksum installs nothing.
import { spawn, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { createReadStream, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildRelease } from '../../../scripts/release/build-release.mjs';
import { missingPrerequisites } from '../src/cli/demo-command.js';
import { buildUserData, type UserDataOptions } from '../src/userdata/userdata.js';
import { AgentProcess } from './helpers/agent-process.js';
import { Chroot } from './helpers/chroot.js';
import { bootcmdOf, cloudInitMissing, cloudInitParts } from './helpers/cloud-init.js';
import { debianRootfs, whyNoDebootstrap } from './helpers/debian-rootfs.js';
import { SimHost } from './helpers/sim-host.js';
import { tearDown } from './helpers/tear-down.js';
import { instanceArgv } from './helpers/unit-exec.js';

const reasons = [whyNoDebootstrap(), cloudInitMissing, ...(await missingPrerequisites())].filter((reason) => reason !== undefined);
if (reasons.length > 0) console.warn(`[ebs-autoscale/cli] SKIPPING the user data's install in a node-less Debian chroot: ${reasons.join('; ')}`);

/** A stand-in for systemctl inside the chroot: it only records what it was asked, one line per call. */
const FAKE_SYSTEMCTL = '#!/bin/sh\necho "$*" >> /var/log/systemctl.calls\n';

describe.skipIf(reasons.length > 0)(
  'the user data installs the artifact in a Debian chroot without node (debootstrap, root, loop devices, btrfs, cloud-init)',
  () => {
    let out: string;
    let chroot: Chroot;
    let host: SimHost | undefined;
    let agent: AgentProcess | undefined;
    let server: Server;
    let artifactUrl: string;
    let sha256: string;
    const work = mkdtempSync(join(tmpdir(), 'ebs-autoscale-userdata-boot-'));

    beforeAll(async () => {
      // systemd for systemd-analyze verify --root on the units the user data writes; its systemctl is
      // replaced by the stand-in below, as no systemd runs in a chroot.
      const rootfs = debianRootfs({ arch: 'amd64', include: ['btrfs-progs', 'curl', 'systemd'] });
      out = join(work, 'release');
      const release = await buildRelease({ outDir: out, arches: ['x64'] });
      const artifact = release.artifacts[0]!.file;
      sha256 = createHash('sha256').update(readFileSync(artifact)).digest('hex');
      const name = artifact.slice(artifact.lastIndexOf('/') + 1);
      server = createServer((request, response) => {
        if (request.url !== `/${name}`) return void response.writeHead(404).end();
        response.writeHead(200, { 'content-length': statSync(artifact).size });
        createReadStream(artifact).pipe(response);
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      artifactUrl = `http://127.0.0.1:${(server.address() as { port: number }).port}/${name}`;
      chroot = Chroot.create(rootfs);
      rmSync(join(chroot.root, 'usr/bin/systemctl'), { force: true });
      writeFileSync(join(chroot.root, 'usr/bin/systemctl'), FAKE_SYSTEMCTL, { mode: 0o755 });
      host = await SimHost.start();
      // The sim's /dev and /sys, the config, the mount point, the unit directory and fstab: the same paths inside.
      chroot.bind(host.work);
    }, 900_000);

    afterAll(async () => {
      try {
        if (agent?.running) await agent.stop('SIGKILL');
        chroot?.close();
      } finally {
        server?.close();
        await tearDown({ agents: [agent], host });
        rmSync(work, { recursive: true, force: true });
      }
    });

    /** The user data for this host, the world arguments passed through to install. */
    const userData = (options: Partial<UserDataOptions> = {}) =>
      buildUserData({
        artifact: artifactUrl,
        sha256,
        os: 'ubuntu',
        driver: 'btrfs',
        mountPoint: host!.mountPoint,
        orderBefore: ['docker.service'],
        installArgs: host!.hostArgs,
        ...options,
      });

    /** What cloud-init does with it: split the MIME, take the cloud-config, and run its bootcmd with sh. */
    const boot = (text: string) => {
      const [part] = cloudInitParts(text, work);
      chroot.run(['sh', '-c', bootcmdOf(part!.body)]);
      return chroot.run(['sh', '-c', 'cat /var/log/systemctl.calls; : > /var/log/systemctl.calls']).trim().split('\n');
    };

    /**
     * What systemd does with the setup unit: run its ExecStart within its TimeoutStartSec; the exit status
     * and the console output. Asynchronous: the artifact's HTTP server is in this process.
     */
    const setup = async () => {
      const unit = readFileSync(join(chroot.root, 'etc/systemd/system/ebs-autoscale-setup.service'), 'utf8');
      const exec = /^ExecStart=(\S+)$/m.exec(unit)![1]!;
      const child = spawn('timeout', [/^TimeoutStartSec=(\d+)$/m.exec(unit)![1]!, ...chroot.argv([exec])], { env: { PATH: '/usr/sbin:/usr/bin:/sbin:/bin' } });
      const output: string[] = [];
      child.stdout.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      child.stderr.on('data', (chunk: Buffer) => output.push(chunk.toString()));
      const status = await new Promise<number | null>((resolve) => child.on('close', resolve));
      return { status, output: output.join('') };
    };

    it('refuses an artifact whose SHA-256 is not the one in the user data, and installs nothing', async () => {
      expect(boot(userData({ sha256: 'f'.repeat(64) }))).toEqual(['daemon-reload', 'start --no-block ebs-autoscale-setup.service']);
      const result = await setup();
      expect(result.status, result.output).toBe(1);
      expect(result.output).toMatch(
        new RegExp(`FAILED: ebs-autoscale-0\\.1\\.0-linux-x64\\.tar\\.gz has SHA-256 ${sha256}, not the expected f{64}; nothing was installed`),
      );
      expect(existsSync(join(chroot.root, 'opt/ebs-autoscale'))).toBe(false);
      expect(host!.owned()).toEqual([]);
    }, 300_000);

    it('writes the files before the reload, and the setup unit passes systemd-analyze verify', () => {
      expect(boot(userData())).toEqual(['daemon-reload', 'start --no-block ebs-autoscale-setup.service']);
      expect(readFileSync(join(chroot.root, 'etc/systemd/system/docker.service.d/10-ebs-autoscale.conf'), 'utf8')).toContain(
        `RequiresMountsFor=${host!.mountPoint}`,
      );
      const verify = spawnSync('systemd-analyze', ['verify', '--man=no', `--root=${chroot.root}`, '/etc/systemd/system/ebs-autoscale-setup.service'], {
        encoding: 'utf8',
      });
      expect(verify.status, verify.stderr).toBe(0);
      expect(verify.stderr.split('\n').filter((line) => line.includes('ebs-autoscale-setup'))).toEqual([]);
    });

    it('fetches, verifies and unpacks the artifact, installs the agent for the mount point, and the unit it enabled runs it', async () => {
      const result = await setup();
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain(`ebs-autoscale-setup: fetching ${artifactUrl}`);
      expect(result.output).toMatch(/ebs-autoscale-setup: done\n/);
      // btrfs-progs is in the rootfs, so no package manager ran (it would need a mirror).
      expect(result.output).not.toContain('installing');
      expect(readFileSync(join(chroot.root, 'opt/ebs-autoscale/.sha256'), 'utf8').trim()).toBe(sha256);
      expect(chroot.run(['/usr/local/bin/ebs-autoscale', '--help'])).toMatch(/^Usage: ebs-autoscale/);
      const calls = chroot.run(['cat', '/var/log/systemctl.calls']);
      expect(calls).toMatch(/^enable --now ebs-autoscale@\S+\.service$/m);
      expect(host!.owned()).toHaveLength(1);

      // The unit runs the artifact's launcher, which gives the bundled node its memory flags.
      const argv = instanceArgv(host!.unitDir, host!.mountPoint);
      expect(argv.slice(0, 4)).toEqual(['/bin/sh', '/opt/ebs-autoscale/bin/ebs-autoscale', 'run', '--instance']);
      agent = AgentProcess.start(chroot.argv([...argv, '--json-logs']));
      await agent.waitForEvent('agent:ready', { timeoutMs: 120_000 });
      const status = spawnSync('chroot', [chroot.root, '/usr/local/bin/ebs-autoscale', 'status', '--mountpoint', host!.mountPoint, '--run-dir', host!.runDir], {
        encoding: 'utf8',
      });
      expect(status.status, `${status.stdout}${status.stderr}`).toBe(0);
    }, 600_000);

    it('on the next boot, skips what is in place and changes nothing', async () => {
      boot(userData());
      const result = await setup();
      expect(result.status, result.output).toBe(0);
      expect(result.output).toContain('is installed already');
      expect(result.output).toContain('nothing changed');
      expect(host!.owned()).toHaveLength(1);
    }, 300_000);
  },
);
