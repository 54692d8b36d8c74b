import { DriverError } from '@ebs-autoscale/core';

/** One row of `lvs`, the fields this driver asks for. Sizes in bytes; percentages `undefined` where LVM leaves them blank. */
export interface LvReport {
  readonly lvName: string;
  readonly vgName: string;
  /** `lv_attr`: the first character is the volume type (`t` thin pool, `V` thin volume, `-` linear). */
  readonly attr: string;
  readonly sizeBytes: number;
  readonly dataPercent: number | undefined;
  readonly metadataPercent: number | undefined;
  readonly metadataSizeBytes: number | undefined;
  readonly chunkSizeBytes: number | undefined;
  /** The thin pool a thin volume lives in. */
  readonly poolLv: string;
}

/** One row of `pvs`. */
export interface PvReport {
  readonly pvName: string;
  /** Empty when the PV belongs to no volume group. */
  readonly vgName: string;
  readonly sizeBytes: number;
}

/** One row of `vgs`. */
export interface VgReport {
  readonly vgName: string;
  readonly sizeBytes: number;
  readonly freeBytes: number;
  readonly extentSizeBytes: number;
}

/** The `-o` fields of each report, in the order the parsers read them. */
export const LVS_FIELDS = 'lv_name,vg_name,lv_attr,lv_size,data_percent,metadata_percent,lv_metadata_size,chunk_size,pool_lv';
export const PVS_FIELDS = 'pv_name,vg_name,pv_size';
export const VGS_FIELDS = 'vg_name,vg_size,vg_free,vg_extent_size';

/** Parses `lvs --reportformat json --units b --nosuffix -o {@link LVS_FIELDS}`. */
export function parseLvsReport(json: string): LvReport[] {
  return rows(json, 'lv').map((row) => ({
    lvName: text(row, 'lv_name'),
    vgName: text(row, 'vg_name'),
    attr: text(row, 'lv_attr'),
    sizeBytes: bytes(row, 'lv_size') ?? 0,
    dataPercent: number(row, 'data_percent'),
    metadataPercent: number(row, 'metadata_percent'),
    metadataSizeBytes: bytes(row, 'lv_metadata_size'),
    chunkSizeBytes: bytes(row, 'chunk_size'),
    poolLv: text(row, 'pool_lv').replace(/^\[|\]$/g, ''),
  }));
}

/** Parses `pvs --reportformat json --units b --nosuffix -o {@link PVS_FIELDS}`. */
export function parsePvsReport(json: string): PvReport[] {
  return rows(json, 'pv').map((row) => ({ pvName: text(row, 'pv_name'), vgName: text(row, 'vg_name'), sizeBytes: bytes(row, 'pv_size') ?? 0 }));
}

/** Parses `vgs --reportformat json --units b --nosuffix -o {@link VGS_FIELDS}`. */
export function parseVgsReport(json: string): VgReport[] {
  return rows(json, 'vg').map((row) => ({
    vgName: text(row, 'vg_name'),
    sizeBytes: bytes(row, 'vg_size') ?? 0,
    freeBytes: bytes(row, 'vg_free') ?? 0,
    extentSizeBytes: bytes(row, 'vg_extent_size') ?? 0,
  }));
}

type Row = Record<string, unknown>;

// LVM's JSON is `{"report": [{"lv": [{...}, ...]}]}`, every value a string.
function rows(json: string, key: 'lv' | 'pv' | 'vg'): Row[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(json);
  } catch (cause) {
    throw unreadable(key, 'it is not JSON', cause);
  }
  const reports = (parsed as { report?: unknown }).report;
  if (!Array.isArray(reports)) throw unreadable(key, 'it has no "report" array');
  const out: Row[] = [];
  for (const report of reports) {
    const list = (report as Record<string, unknown>)[key];
    if (Array.isArray(list)) out.push(...(list as Row[]));
  }
  return out;
}

function text(row: Row, field: string): string {
  const value = row[field];
  return typeof value === 'string' ? value.trim() : '';
}

function number(row: Row, field: string): number | undefined {
  const value = text(row, field);
  if (value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

/** Sizes come as `"1073741824"` with `--nosuffix`, or `"1073741824B"` without it: accept both. */
function bytes(row: Row, field: string): number | undefined {
  const value = text(row, field).replace(/B$/i, '');
  if (value === '') return undefined;
  const parsed = Number(value);
  return Number.isFinite(parsed) ? parsed : undefined;
}

function unreadable(key: string, why: string, cause?: unknown): DriverError {
  return new DriverError('lvm', 'INTERNAL', `Cannot read the ${key}s report: ${why}.`, {
    hint: 'Check that lvm2 is 2.02.158 or newer (JSON reports) and that `' + key + 's --reportformat json` works.',
    cause,
  });
}
