import type { BootFile } from './setup-units.js';

/** The heredoc delimiter of the files bootcmd writes; a file holding it as a line is refused. */
const END = 'EBS_AUTOSCALE_END_OF_FILE';

/**
 * The cloud-config part. Its one module is `bootcmd`, which cloud-init runs in its first networked stage,
 * before network-online.target and so before Docker and the ECS agent: early enough for the drop-ins
 * that order them after the mount. (`write_files` runs after `bootcmd` in that stage, too late for the
 * `daemon-reload` that makes systemd see them, and `runcmd` runs last of all.) It writes the files, then
 * starts the setup unit without waiting: the unit's own time limit bounds it, not cloud-init's.
 *
 * `bootcmd` runs on every boot: the files are rewritten the same, and the setup skips what is in place.
 * Each file is a quoted heredoc, so the shell expands nothing in it; the YAML is one literal block, in
 * which nothing is special but the indentation.
 */
export function cloudConfig(comment: string, files: readonly BootFile[], startUnit: string): string {
  const lines = ['set -e', 'umask 022'];
  for (const file of files) {
    if (file.content.split('\n').includes(END)) throw new Error(`${file.path} contains the line ${END}`);
    const directory = file.path.slice(0, file.path.lastIndexOf('/'));
    lines.push(
      `mkdir -p '${directory}'`,
      `cat > '${file.path}' <<'${END}'`,
      ...file.content.replace(/\n$/, '').split('\n'),
      END,
      `chmod ${file.mode} '${file.path}'`,
    );
  }
  lines.push('systemctl daemon-reload', `systemctl start --no-block ${startUnit}`);
  return [
    '#cloud-config',
    ...comment.split('\n').map((line) => `# ${line}`),
    'bootcmd:',
    '  - |',
    ...lines.map((line) => (line === '' ? '' : `    ${line}`)),
    '',
  ].join('\n');
}
