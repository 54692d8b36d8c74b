import type { QueryParams } from '../query.js';
import type { SimWorld } from '../world.js';
import type { XmlObject } from '../xml.js';
import { Ec2ApiError } from '../api-error.js';
import type { QueryFilter } from '../query.js';

/** What an action sees of one request. */
export interface ActionContext {
  readonly world: SimWorld;
  readonly params: QueryParams;
  /** From the SigV4 credential scope, or the simulator's region. */
  readonly region: string;
}

/** One EC2 action: validates, changes the world, returns the response body. Throws {@link Ec2ApiError}. */
export type ActionHandler = (context: ActionContext) => XmlObject;

/** EC2 filter values allow `*` and `?` wildcards. */
export function matchesValue(pattern: string, value: string | undefined): boolean {
  if (value === undefined) return false;
  if (!/[*?]/.test(pattern)) return pattern === value;
  const regex = new RegExp(
    `^${pattern
      .replace(/[.+^${}()|[\]\\]/g, '\\$&')
      .replace(/\*/g, '.*')
      .replace(/\?/g, '.')}$`,
    's',
  );
  return regex.test(value);
}

/**
 * Applies `Filter.N` to items: every filter must match (AND), any of a filter's values may (OR).
 * `fields(item, name)` returns the item's values for a filter name, or `null` for an unknown name.
 */
export function applyFilters<T>(
  items: readonly T[],
  filters: readonly QueryFilter[],
  fields: (item: T, name: string) => readonly (string | undefined)[] | null,
): T[] {
  for (const filter of filters) {
    if (items.length === 0) break;
    if (fields(items[0] as T, filter.name) === null) throw new Ec2ApiError('InvalidParameterValue', `The filter '${filter.name}' is invalid`);
  }
  return items.filter((item) =>
    filters.every((filter) => {
      const values = fields(item, filter.name) ?? [];
      return filter.values.some((pattern) => values.some((value) => matchesValue(pattern, value)));
    }),
  );
}

/** Values for the generic `tag-key` and `tag:<key>` filters, or null when `name` is neither. */
export function tagFilterValues(tags: ReadonlyMap<string, string>, name: string): string[] | null {
  if (name === 'tag-key') return [...tags.keys()];
  if (name === 'tag-value') return [...tags.values()];
  if (name.startsWith('tag:')) {
    const value = tags.get(name.slice(4));
    return value === undefined ? [] : [value];
  }
  return null;
}
