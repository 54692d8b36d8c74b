import { access, constants } from 'node:fs/promises';
import { delimiter, join } from 'node:path';

/** Whether a tool can be run: on PATH, or in the sbin directories a root shell has and cloud-init's may lack. */
export async function toolOnPath(tool: string, path = process.env.PATH ?? ''): Promise<boolean> {
  for (const dir of [...path.split(delimiter), '/usr/sbin', '/sbin', '/usr/bin']) {
    if (!dir) continue;
    if (
      await access(join(dir, tool), constants.X_OK).then(
        () => true,
        () => false,
      )
    )
      return true;
  }
  return false;
}
