// From a page on another origin, calls a Concord server as a browser app would: a
// preflighted POST with Apollo's and tracing headers, reading `x-request-id` back.
// Usage: node cors.mjs <api-url> <page-url>...; prints one result per page.
import { withBrowser, watch } from './browser.mjs';

const [api, ...pages] = process.argv.slice(2);

const out = await withBrowser(async (context) => {
  const results = [];
  for (const origin of pages) {
    const page = await context.newPage();
    const seen = watch(page);
    await page.goto(origin, { waitUntil: 'load' });
    const result = await page.evaluate(async (api) => {
      try {
        const response = await fetch(`${api}/graphql`, {
          method: 'POST',
          headers: {
            'content-type': 'application/json',
            accept: 'application/graphql-response+json',
            'x-request-id': 'from-the-page-1',
            traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01',
            'apollographql-client-name': 'member-site',
            'apollographql-client-version': '1.0.0',
          },
          body: JSON.stringify({ query: '{ maxPageSize }' }),
        });
        return {
          status: response.status,
          requestId: response.headers.get('x-request-id'),
          body: await response.json(),
        };
      } catch (e) {
        return { error: String(e) };
      }
    }, api);
    results.push({ origin: new URL(origin).origin, ...result, console: seen.console });
    await page.close();
  }
  return results;
});
console.log(JSON.stringify(out));
