// Loads GraphiQL from a Concord server, types a query into its editor, runs it with the
// run button and prints what the result pane shows, with every URL the page requested.
// Usage: node graphiql.mjs <base-url> <query>
import { withBrowser, watch } from './browser.mjs';

const [base, query] = process.argv.slice(2);

const out = await withBrowser(async (context) => {
  const page = await context.newPage();
  const seen = watch(page);
  const response = await page.goto(`${base}/`, { waitUntil: 'load' });
  const csp = response.headers()['content-security-policy'] ?? null;
  const editor = page.locator('.graphiql-query-editor .CodeMirror');
  await editor.waitFor({ timeout: 20000 });
  await editor.click();
  await page.keyboard.press('Control+A');
  await page.keyboard.press('Delete');
  // CodeMirror closes brackets as they are typed; typing the closing one steps over it.
  await page.keyboard.type(query);
  const typed = await page.evaluate(
    () => document.querySelector('.graphiql-query-editor .CodeMirror').CodeMirror.getValue(),
  );
  await page.locator('.graphiql-execute-button').click();
  const pane = page.locator('.graphiql-response .CodeMirror');
  await page.waitForFunction(
    () => {
      const cm = document.querySelector('.graphiql-response .CodeMirror');
      return cm && cm.CodeMirror.getValue().includes('"data"');
    },
    null,
    { timeout: 20000 },
  );
  const result = await pane.evaluate((el) => el.CodeMirror.getValue());
  return { csp, typed, result: JSON.parse(result), ...seen };
});
console.log(JSON.stringify(out));
