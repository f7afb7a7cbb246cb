// "Load more" with Apollo Client 4 (relayStylePagination, fetchMore) while another user
// writes between the pages: after page one, an event already shown is archived, one is
// inserted that sorts before the cursor and one that sorts after it.
// Usage: node apollo-concurrent.mjs <graphql-url> <writer-token> <owner-id> [page-size]
// Prints the ids the cache holds at the end and the ids written, as JSON.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { relayStylePagination } from '@apollo/client/utilities';

const [url, token, owner, page = '2'] = process.argv.slice(2);
const PAGE = Number(page);

// The other user: plain requests with a token, beside the reader's anonymous client.
async function write(query, variables) {
  const response = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${token}` },
    body: JSON.stringify({ query, variables }),
  });
  const body = await response.json();
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data;
}

async function createEvent(title, startDate) {
  const data = await write(
    `mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }`,
    { i: { owner, visibility: 'PUBLIC', kind: 'SYMPOSIUM', status: 'HELD', format: 'ONSITE', title, startDate } },
  );
  return data.createEvent.event.id;
}

const client = new ApolloClient({
  link: new HttpLink({ uri: url }),
  cache: new InMemoryCache({
    typePolicies: { Query: { fields: { events: relayStylePagination(['filter', 'orderBy']) } } },
  }),
  defaultOptions: { query: { fetchPolicy: 'network-only' } },
});

const EVENTS = gql`
  query EventPages($first: Int!, $after: String) {
    events(first: $first, after: $after) {
      edges { cursor node { id title startDate } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

const watch = client.watchQuery({ query: EVENTS, variables: { first: PAGE } });
let current = await new Promise((resolve, reject) => {
  const sub = watch.subscribe({
    next: (r) => { if (!r.loading) { sub.unsubscribe(); resolve(r); } },
    error: reject,
  });
});

// Between page one and page two.
const shown = current.data.events.edges[0].node.id;
const { node } = await write(`query($id: ID!) { node(id: $id) { ... on Event { version } } }`, { id: shown });
await write(
  `mutation($i: ArchiveEventInput!) { archiveEvent(input: $i) { event { id } } }`,
  { i: { id: shown, expectedVersion: node.version } },
);
const early = await createEvent('Inserted before the cursor', '1901-01-01');
const late = await createEvent('Inserted after the cursor', '2999-01-01');

let pages = 1;
while (current.data.events.pageInfo.hasNextPage && pages < 200) {
  current = await watch.fetchMore({ variables: { after: current.data.events.pageInfo.endCursor } });
  current = watch.getCurrentResult();
  pages += 1;
}

console.log(JSON.stringify({
  pages,
  ids: current.data.events.edges.map((e) => e.node.id),
  archived: shown,
  early,
  late,
}));
