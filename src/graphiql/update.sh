#!/usr/bin/env bash
# Refreshes the vendored GraphiQL and React builds from the versions pinned in
# package-lock.json, and prints the README's table of versions and sha256 sums.
# The files are embedded in the binary (src/graphiql.rs); their names carry the version,
# so browsers may cache them for a year. After an update, rename them in src/graphiql.rs.
set -euo pipefail
cd "$(dirname "$0")"
npm ci --no-audit --no-fund
v() { node -p "require('./node_modules/$1/package.json').version"; }
G=$(v graphiql) R=$(v react) D=$(v react-dom)
rm -f graphiql-*.min.js graphiql-*.min.css react-*.production.min.js react-dom-*.production.min.js
cp node_modules/graphiql/graphiql.min.js "graphiql-$G.min.js"
cp node_modules/graphiql/graphiql.min.css "graphiql-$G.min.css"
cp node_modules/react/umd/react.production.min.js "react-$R.production.min.js"
cp node_modules/react-dom/umd/react-dom.production.min.js "react-dom-$D.production.min.js"
cp node_modules/graphiql/LICENSE LICENSE.graphiql
cp node_modules/react/LICENSE LICENSE.react
sha256sum graphiql-*.min.* react-*.min.js
