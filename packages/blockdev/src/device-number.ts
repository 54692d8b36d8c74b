/**
 * Formats a `stat` `rdev` as the kernel's `major:minor`, the form mountinfo and sysfs (`dev` files) use.
 * Decodes glibc's dev_t (`gnu_dev_major`/`gnu_dev_minor`): the major's bits sit at 8–19, the minor's at
 * 0–7 and 20–31. Its bits above 31 are always zero on Linux, whose own dev_t is 32 bits (a 12-bit
 * major, a 20-bit minor: include/linux/kdev_t.h), so the number's low 32 bits are all there is to read.
 *
 * @example
 * ```ts
 * formatDeviceNumber((await stat('/dev/loop3')).rdev); // '7:3'
 * ```
 */
export function formatDeviceNumber(rdev: number): string {
  const major = Math.floor(rdev / 256) & 0xfff;
  const minor = (rdev & 0xff) | ((rdev >> 12) & 0xfff00);
  return `${major}:${minor}`;
}
