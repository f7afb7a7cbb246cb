// Starts GraphiQL on /graphql. A file of its own, not an inline script, so the page's
// Content-Security-Policy can allow scripts from this origin only.
(function () {
  var fetcher = GraphiQL.createFetcher({ url: '/graphql' });
  var root = ReactDOM.createRoot(document.getElementById('graphiql'));
  root.render(React.createElement(GraphiQL, { fetcher: fetcher, defaultEditorToolsVisibility: true }));
})();
