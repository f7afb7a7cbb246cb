//! GraphiQL, served from the binary: the page, pinned production builds of GraphiQL and
//! React (vendored in `src/graphiql/`, versions and sums in its README), and our start-up
//! script. Nothing is fetched from a CDN, so GraphiQL works on networks that block
//! outbound traffic, and the page's Content-Security-Policy names no other origin.
use axum::Router;
use axum::extract::Path;
use axum::http::header::{CACHE_CONTROL, CONTENT_SECURITY_POLICY, CONTENT_TYPE};
use axum::http::{HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::get;

/// Scripts, styles, fonts and requests from this origin only. GraphiQL sets styles
/// inline as it renders and its icons and fonts are `data:` URIs; nothing runs inline.
pub const POLICY: &str = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; \
     img-src 'self' data:; font-src 'self' data:; connect-src 'self'; \
     base-uri 'none'; form-action 'none'; frame-ancestors 'none'";

/// The vendored files carry their version in their name: a new version is a new URL,
/// so browsers may keep them for a year.
const IMMUTABLE: &str = "public, max-age=31536000, immutable";

const JS: &str = "text/javascript; charset=utf-8";
const CSS: &str = "text/css; charset=utf-8";

/// Name, media type, caching, contents.
const ASSETS: &[(&str, &str, &str, &[u8])] = &[
    (
        "graphiql-4.1.2.min.js",
        JS,
        IMMUTABLE,
        include_bytes!("graphiql/graphiql-4.1.2.min.js"),
    ),
    (
        "graphiql-4.1.2.min.css",
        CSS,
        IMMUTABLE,
        include_bytes!("graphiql/graphiql-4.1.2.min.css"),
    ),
    (
        "react-18.3.1.production.min.js",
        JS,
        IMMUTABLE,
        include_bytes!("graphiql/react-18.3.1.production.min.js"),
    ),
    (
        "react-dom-18.3.1.production.min.js",
        JS,
        IMMUTABLE,
        include_bytes!("graphiql/react-dom-18.3.1.production.min.js"),
    ),
    // Ours, unversioned: revalidated on every load.
    (
        "init.js",
        JS,
        "no-cache",
        include_bytes!("graphiql/init.js"),
    ),
];

/// `/` (the page) and `/graphiql/{file}` (its assets).
pub fn routes<S: Clone + Send + Sync + 'static>() -> Router<S> {
    Router::new()
        .route("/", get(page))
        .route("/graphiql/{file}", get(asset))
}

async fn page() -> Response {
    (
        [
            (
                CONTENT_TYPE,
                HeaderValue::from_static("text/html; charset=utf-8"),
            ),
            (CONTENT_SECURITY_POLICY, HeaderValue::from_static(POLICY)),
            (CACHE_CONTROL, HeaderValue::from_static("no-cache")),
        ],
        include_str!("graphiql/index.html"),
    )
        .into_response()
}

async fn asset(Path(file): Path<String>) -> Response {
    match ASSETS.iter().find(|(name, ..)| *name == file) {
        Some((_, media, cache, body)) => (
            [
                (CONTENT_TYPE, HeaderValue::from_static(media)),
                (CACHE_CONTROL, HeaderValue::from_static(cache)),
                (
                    axum::http::header::X_CONTENT_TYPE_OPTIONS,
                    HeaderValue::from_static("nosniff"),
                ),
            ],
            *body,
        )
            .into_response(),
        None => StatusCode::NOT_FOUND.into_response(),
    }
}

#[cfg(test)]
mod tests {
    /// Every file the page loads is one the binary serves, and nothing comes from
    /// another origin.
    #[test]
    fn the_page_loads_only_what_is_embedded() {
        let page = include_str!("graphiql/index.html");
        let mut loaded = 0;
        for part in page.split("/graphiql/").skip(1) {
            let name = part.split('"').next().unwrap();
            assert!(
                super::ASSETS.iter().any(|(n, ..)| *n == name),
                "{name} is not embedded"
            );
            loaded += 1;
        }
        assert_eq!(loaded, super::ASSETS.len());
        assert!(!page.contains("http://") && !page.contains("https://"));
    }
}
