// The graphql-ws client (the library Apollo Client's GraphQLWsLink and urql use) against a
// Concord server, over `ws` (Node 20 has no WebSocket of its own): a subscription with a
// token in connectionParams and keep-alive pings, events as Alpha's editor writes them,
// resuming from a cursor, an anonymous subscriber, a refused token and a document that
// does not validate.
// Usage: node subscriptions.mjs <graphql-url> <viewer-token> <editor-token> <after-cursor>
// Prints what each client received as JSON.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';

const [httpUrl, viewer, editor, after] = process.argv.slice(2);
const wsUrl = httpUrl.replace(/^http/, 'ws');

const SUBSCRIPTION = `subscription($filter: RecordChangedFilter, $after: String) {
  recordChanged(filter: $filter, after: $after) {
    cursor recordId type operation version removed
    record { id ... on Event { title } }
  }
}`;
const CREATE = `mutation($i: CreateEventInput!) { createEvent(input: $i) { event { id } } }`;

const out = { closes: [] };
process.on('unhandledRejection', (e) => {
  console.log(JSON.stringify({ ...out, unhandled: { code: e.code, reason: e.reason, message: String(e) } }));
  process.exit(1);
});
const watchdog = setTimeout(() => {
  console.log(JSON.stringify({ ...out, timedOut: true }));
  process.exit(1);
}, 60_000);

/** Creates one of Alpha's events over HTTP as its editor. */
async function create(title, visibility) {
  const response = await fetch(httpUrl, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Bearer ${editor}` },
    body: JSON.stringify({
      query: CREATE,
      variables: {
        i: { kind: 'MEETING', status: 'PLANNED', format: 'ONLINE', title, startDate: '2025-03-01', visibility },
      },
    }),
  });
  const body = await response.json();
  return body.data.createEvent.event.id;
}

function client(token) {
  return createClient({
    url: wsUrl,
    webSocketImpl: WebSocket,
    connectionParams: token ? { authorization: `Bearer ${token}` } : {},
    retryAttempts: 0,
    keepAlive: 100,
    on: { closed: (e) => out.closes.push({ token: token ? token.slice(0, 12) : null, code: e.code, reason: e.reason }) },
  });
}

/** The first `count` events of a subscription, then completes it (the client sends `complete`). */
async function take(subscription, count, meanwhile) {
  const got = [];
  const reading = (async () => {
    for await (const result of subscription) {
      if (result.errors) throw new Error(JSON.stringify(result.errors));
      got.push(result.data.recordChanged);
      if (got.length === count) break;
    }
  })();
  await meanwhile();
  await reading;
  return got;
}

/** How a subscription ended: the error it got (close event or GraphQL errors), or 'complete'. */
function ending(c, query, variables) {
  return new Promise((resolve) => {
    c.subscribe({ query, variables }, {
      next: () => {},
      error: (e) =>
        resolve(Array.isArray(e) ? { errors: e } : { code: e.code, reason: e.reason }),
      complete: () => resolve('complete'),
    });
  });
}

const filter = { types: ['EVENT'] };
const viewerClient = client(viewer);
const anonymousClient = client(null);
const anonymous = anonymousClient.iterate({ query: SUBSCRIPTION, variables: { filter, after } });

// Live: two of Alpha's events (one consortium-wide, one private) reach its viewer.
out.live = await take(
  viewerClient.iterate({ query: SUBSCRIPTION, variables: { filter, after } }),
  2,
  async () => {
    await create('Client one', 'CONSORTIUM');
    await create('Client two', 'PRIVATE');
  },
);
// Resumed from the first one's cursor: the second again, then a new one, once each.
out.resumed = await take(
  viewerClient.iterate({ query: SUBSCRIPTION, variables: { filter, after: out.live[0].cursor } }),
  2,
  () => create('Client three', 'PUBLIC'),
);
// The anonymous subscriber's first event is the public one: the others were not for it.
out.anonymous = await take(anonymous, 1, async () => {});
// A token that is not valid: closed with 4403.
out.forbidden = await ending(client('concord_0123456789abcdef_nope'), SUBSCRIPTION, {});
// A document that does not validate: an `error` message with the code.
out.invalid = await ending(viewerClient, 'subscription { recordChanged { nope } }', {});

await viewerClient.dispose();
await anonymousClient.dispose();
clearTimeout(watchdog);
console.log(JSON.stringify(out));
process.exit(0);
