// Compiled with `tsc --noEmit`: the generated types must describe what the operations
// select, so a typed frontend builds against this schema.
import type { EventListQuery, EventCardFragment, OrganisationWithEventsQuery } from './gen/graphql';
import { EventListDocument } from './gen/graphql';

export function titles(result: EventListQuery): string[] {
  return result.events.edges.map((edge) => {
    const card = edge.node as unknown as EventCardFragment;
    return `${card.title} (${card.startDate ?? 'no date'})`;
  });
}

export function nextCursor(result: EventListQuery): string | null {
  return result.events.pageInfo.hasNextPage ? result.events.pageInfo.endCursor ?? null : null;
}

export function organisationName(result: OrganisationWithEventsQuery): string | null {
  const node = result.node;
  if (node && node.__typename === 'Organisation') {
    return node.nameZh ?? node.nameEn;
  }
  return null;
}

export const document = EventListDocument;
