import { Ec2ApiError, invalidParameterValue } from './api-error.js';
import { intParam, type QueryParams } from './query.js';

/** Something that has a creation sequence number, so pages stay stable while items come and go. */
export interface Sequenced {
  readonly seq: number;
}

/**
 * Applies `MaxResults`/`NextToken`. The token encodes the last sequence number returned, so an item
 * deleted between two pages never makes the next page skip one.
 */
export function paginate<T extends Sequenced>(items: readonly T[], params: QueryParams, bounds = { min: 5, max: 1000 }): { page: T[]; nextToken?: string } {
  const maxResults = intParam(params, 'MaxResults');
  const token = params.get('NextToken');
  let after = -1;
  if (token) {
    const decoded = Number(Buffer.from(token, 'base64url').toString('utf8'));
    if (!Number.isInteger(decoded)) throw new Ec2ApiError('InvalidPaginationToken', `The pagination token '${token}' is invalid.`);
    after = decoded;
  }
  const sorted = [...items].sort((a, b) => a.seq - b.seq).filter((item) => item.seq > after);
  if (maxResults === undefined) return { page: sorted };
  if (maxResults < bounds.min || maxResults > bounds.max) {
    throw invalidParameterValue(`Value (${maxResults}) for parameter maxResults is invalid. Expecting a value between ${bounds.min} and ${bounds.max}.`);
  }
  const page = sorted.slice(0, maxResults);
  const last = page.at(-1);
  const more = sorted.length > maxResults && last !== undefined;
  return more ? { page, nextToken: Buffer.from(String(last.seq)).toString('base64url') } : { page };
}
