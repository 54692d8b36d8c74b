import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parseLvsReport, parsePvsReport, parseVgsReport } from '../src/index.js';

const fixture = (name: string) => readFileSync(new URL(`./fixtures/${name}`, import.meta.url), 'utf8');

describe('LVM JSON reports', () => {
  it('parses lvs: sizes in bytes, percentages, blanks as undefined', () => {
    const [thin, pool, root] = parseLvsReport(fixture('lvs.json'));
    expect(pool).toEqual({
      lvName: 'pool',
      vgName: 'ebs_autoscale',
      attr: 'twi-aotz--',
      sizeBytes: 524_288_000,
      dataPercent: 2.75,
      metadataPercent: 11.04,
      metadataSizeBytes: 4_194_304,
      chunkSizeBytes: 65_536,
      poolLv: '',
    });
    expect(thin).toMatchObject({ lvName: 'data', poolLv: 'pool', dataPercent: 5.63, metadataPercent: undefined, metadataSizeBytes: undefined });
    expect(root).toMatchObject({ vgName: 'system', sizeBytes: 8_589_934_592 });
  });

  it('parses pvs, keeping PVs without a VG', () => {
    const pvs = parsePvsReport(fixture('pvs.json'));
    expect(pvs).toHaveLength(4);
    expect(pvs[3]).toEqual({ pvName: '/dev/loop7', vgName: '', sizeBytes: 268_435_456 });
  });

  it('parses vgs', () => {
    expect(parseVgsReport(fixture('vgs.json'))).toEqual([
      { vgName: 'ebs_autoscale', sizeBytes: 528_482_304, freeBytes: 264_241_152, extentSizeBytes: 4_194_304 },
    ]);
  });

  it('accepts sizes with a B suffix (a report made without --nosuffix)', () => {
    expect(parseVgsReport('{"report":[{"vg":[{"vg_name":"v","vg_size":"1024B","vg_free":"0B","vg_extent_size":"512B"}]}]}')[0]?.sizeBytes).toBe(1024);
  });

  it('reports an empty list when LVM has nothing, and a DriverError on garbage', () => {
    expect(parseLvsReport('{"report":[{"lv":[]}]}')).toEqual([]);
    expect(() => parseLvsReport('Volume group not found')).toThrow(/Cannot read the lvs report/);
    expect(() => parseLvsReport('{}')).toThrow(/no "report" array/);
  });
});
