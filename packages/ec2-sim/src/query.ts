import { invalidParameterValue, missingParameter } from './api-error.js';

/** The form parameters of one EC2 Query request. */
export type QueryParams = ReadonlyMap<string, string>;

/** Parses a form-encoded body (or a query string) into a map. */
export function parseQuery(body: string): Map<string, string> {
  return new Map(new URLSearchParams(body));
}

/** Values of `Prefix.1`, `Prefix.2`, … in index order. */
export function listParam(params: QueryParams, prefix: string): string[] {
  const entries: [number, string][] = [];
  const pattern = new RegExp(`^${escapeRegExp(prefix)}\\.(\\d+)$`);
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (match) entries.push([Number(match[1]), value]);
  }
  return entries.sort((a, b) => a[0] - b[0]).map(([, value]) => value);
}

/** Members of `Prefix.N.*` grouped by N, in index order, each as a map of the rest of the key. */
export function structListParam(params: QueryParams, prefix: string): Map<string, string>[] {
  const groups = new Map<number, Map<string, string>>();
  const pattern = new RegExp(`^${escapeRegExp(prefix)}\\.(\\d+)\\.(.+)$`);
  for (const [key, value] of params) {
    const match = pattern.exec(key);
    if (!match) continue;
    const index = Number(match[1]);
    let group = groups.get(index);
    if (!group) groups.set(index, (group = new Map()));
    group.set(match[2] ?? '', value);
  }
  return [...groups.entries()].sort((a, b) => a[0] - b[0]).map(([, group]) => group);
}

/** One `Filter.N`: a name and the values any of which may match. */
export interface QueryFilter {
  readonly name: string;
  readonly values: readonly string[];
}

export function filtersParam(params: QueryParams): QueryFilter[] {
  return structListParam(params, 'Filter').map((group) => ({
    name: group.get('Name') ?? '',
    values: listParam(group, 'Value'),
  }));
}

/** `Tag.N.Key` / `Tag.N.Value` pairs under a prefix. */
export function tagsParam(params: QueryParams, prefix = 'Tag'): { key: string; value: string }[] {
  return structListParam(params, prefix).map((group) => ({ key: group.get('Key') ?? '', value: group.get('Value') ?? '' }));
}

export function requiredParam(params: QueryParams, name: string): string {
  const value = params.get(name);
  if (value === undefined || value === '') throw missingParameter(name);
  return value;
}

export function intParam(params: QueryParams, name: string): number | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value)) throw invalidParameterValue(`Value (${raw}) for parameter ${name} is invalid. Expected an integer.`);
  return value;
}

export function boolParam(params: QueryParams, name: string): boolean | undefined {
  const raw = params.get(name);
  if (raw === undefined) return undefined;
  return raw.toLowerCase() === 'true';
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
