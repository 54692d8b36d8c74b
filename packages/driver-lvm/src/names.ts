import { DriverError } from '@ebs-autoscale/core';

/** LVM's limit on VG and LV names (lib/misc/lvm-string.c: NAME_LEN 128, including the NUL). */
const MAX_NAME_LENGTH = 127;
/** The characters LVM accepts in VG and LV names: letters, digits and `+ _ . -`. */
const NAME_CHARACTERS = /^[A-Za-z0-9+_.-]+$/;
/** Suffixes LVM reserves for its hidden sub-volumes, so an LV name may not contain them (lvm(8), "VALID NAMES"). */
const RESERVED_LV_PARTS = [
  '_cdata',
  '_cmeta',
  '_corig',
  '_iorig',
  '_mimage',
  '_mlog',
  '_pmspare',
  '_rimage',
  '_rmeta',
  '_tdata',
  '_tmeta',
  '_vdata',
  '_vorigin',
  '_wcorig',
];
/** Prefixes LVM reserves for LV names. */
const RESERVED_LV_PREFIXES = ['snapshot', 'pvmove'];

/**
 * Checks a volume group name against LVM's rules and returns it, or throws `INVALID_ARGUMENT` saying
 * which rule it breaks. Checked up front so a bad option fails at construction, not halfway through
 * `prepare()` with a device already `pvcreate`d.
 */
export function validateVgName(name: string, driver = 'lvm'): string {
  const problem = commonProblem(name);
  if (problem) throw invalid(driver, 'volume group', name, problem);
  return name;
}

/** Checks a logical volume (or thin pool) name against LVM's rules; see {@link validateVgName}. */
export function validateLvName(name: string, driver = 'lvm'): string {
  const problem =
    commonProblem(name) ??
    (RESERVED_LV_PREFIXES.find((prefix) => name.startsWith(prefix)) && 'it starts with a prefix LVM reserves (snapshot, pvmove)') ??
    (RESERVED_LV_PARTS.find((part) => name.includes(part)) && `it contains a suffix LVM reserves for hidden volumes (${RESERVED_LV_PARTS.join(', ')})`);
  if (problem) throw invalid(driver, 'logical volume', name, problem);
  return name;
}

function commonProblem(name: string): string | undefined {
  if (name.length === 0) return 'it is empty';
  if (name.length > MAX_NAME_LENGTH) return `it is longer than ${MAX_NAME_LENGTH} characters`;
  if (!NAME_CHARACTERS.test(name)) return 'it may contain only letters, digits and + _ . -';
  if (name.startsWith('-')) return 'it may not start with a hyphen';
  if (name === '.' || name === '..') return 'it may not be . or ..';
  return undefined;
}

function invalid(driver: string, what: string, name: string, problem: string): DriverError {
  return new DriverError(driver, 'INVALID_ARGUMENT', `Invalid ${what} name ${JSON.stringify(name)}: ${problem}.`, {
    hint: `Choose a ${what} name of letters, digits and + _ . - (lvm(8), "VALID NAMES").`,
  });
}
