// Apollo Client 4 against a Concord server, as a member's frontend uses it: the APQ link
// (sha256 from crypto-hash) in front of the HTTP link, a cache with relayStylePagination
// on `events`, "load more" through fetchMore, and errorPolicy 'all'.
// Usage: node apollo.mjs <graphql-url> [page-size]; prints what was sent and what was read as JSON.
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';
import { relayStylePagination } from '@apollo/client/utilities';
import { sha256 } from 'crypto-hash';

const [url, page = '2'] = process.argv.slice(2);
const PAGE = Number(page);

// Every request the client sends, as the server received it.
const sent = [];
const recordingFetch = async (input, init = {}) => {
  const method = init.method ?? 'GET';
  let body = null;
  if (method === 'GET') {
    const params = new URL(input).searchParams;
    body = {
      operationName: params.get('operationName'),
      query: params.get('query'),
      extensions: JSON.parse(params.get('extensions') ?? 'null'),
    };
  } else {
    body = JSON.parse(init.body);
  }
  const response = await fetch(input, init);
  sent.push({
    method,
    operationName: body.operationName ?? null,
    hasQuery: typeof body.query === 'string',
    hash: body.extensions?.persistedQuery?.sha256Hash ?? null,
    status: response.status,
    cacheControl: response.headers.get('cache-control'),
  });
  return response;
};

const client = new ApolloClient({
  link: new PersistedQueryLink({ sha256, useGETForHashedQueries: true }).concat(
    new HttpLink({ uri: url, fetch: recordingFetch }),
  ),
  cache: new InMemoryCache({
    typePolicies: { Query: { fields: { events: relayStylePagination(['filter', 'orderBy']) } } },
  }),
  defaultOptions: { query: { errorPolicy: 'all', fetchPolicy: 'network-only' } },
});

const EVENTS = gql`
  query EventPages($first: Int!, $after: String) {
    events(first: $first, after: $after) {
      totalCount
      edges { cursor node { id title } }
      pageInfo { hasNextPage endCursor }
    }
  }
`;

// Page one, then "load more" until the last page, through the cache's merge function.
const watch = client.watchQuery({ query: EVENTS, variables: { first: PAGE }, errorPolicy: 'all' });
let current = await new Promise((resolve, reject) => {
  const sub = watch.subscribe({
    next: (r) => { if (!r.loading) { sub.unsubscribe(); resolve(r); } },
    error: reject,
  });
});
let pages = 1;
while (current.data.events.pageInfo.hasNextPage && pages < 100) {
  current = await watch.fetchMore({
    variables: { after: current.data.events.pageInfo.endCursor },
  });
  current = watch.getCurrentResult();
  pages += 1;
}
const ids = current.data.events.edges.map((e) => e.node.id);

// The same page once more: the hash alone now suffices.
const again = await client.query({ query: EVENTS, variables: { first: PAGE } });

// A field error with errorPolicy 'all': the data that resolved, and the error.
const withError = await client.query({
  query: gql`query Partial { maxPageSize node(id: "bogus") { id } }`,
  errorPolicy: 'all',
});

console.log(JSON.stringify({
  sent,
  pages,
  totalCount: current.data.events.totalCount,
  ids,
  againCount: again.data.events.edges.length,
  partial: {
    maxPageSize: withError.data?.maxPageSize ?? null,
    errorCodes: (withError.error?.errors ?? []).map((e) => e.extensions?.code ?? null),
  },
}));
