//! Relay pagination over offsets. Cursors are opaque to clients; inside they carry the
//! position of the row in the ordered result.
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD;

use crate::{Error, Result};

/// The largest page a client may ask for; larger `first`/`last` are rejected, not cut.
pub const MAX_PAGE_SIZE: u64 = 100;
/// The page size when neither `first` nor `last` is given.
pub const DEFAULT_PAGE_SIZE: u64 = 20;

/// The Relay arguments as a client sent them.
#[derive(Debug, Clone, Default)]
pub struct PageArgs {
    pub first: Option<i32>,
    pub after: Option<String>,
    pub last: Option<i32>,
    pub before: Option<String>,
}

/// Which rows of an ordered result to fetch.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Window {
    pub offset: u64,
    pub limit: u64,
}

/// A page of rows and where it sits in the whole result.
#[derive(Debug, Clone)]
pub struct Slice<T> {
    pub items: Vec<T>,
    /// Position of the first item in the whole ordered result.
    pub offset: u64,
    pub has_next: bool,
    pub has_previous: bool,
    /// The length of the whole list, when the page's own statement could tell it (a
    /// window count beside the rows), so `totalCount` needs no statement of its own.
    pub total: Option<u64>,
}

impl<T> Slice<T> {
    pub fn empty(offset: u64) -> Self {
        Slice {
            items: Vec::new(),
            offset,
            has_next: false,
            has_previous: offset > 0,
            total: None,
        }
    }

    /// Builds a slice from up to `limit + 1` fetched rows (the extra row only tells
    /// whether a next page exists).
    pub(crate) fn from_fetched(mut rows: Vec<T>, window: Window) -> Self {
        let has_next = rows.len() as u64 > window.limit;
        rows.truncate(window.limit as usize);
        Slice {
            items: rows,
            offset: window.offset,
            has_next,
            has_previous: window.offset > 0,
            total: None,
        }
    }

    /// The opaque cursor of the item at `index` in this slice.
    pub fn cursor(&self, index: usize) -> String {
        encode_cursor(self.offset + index as u64)
    }

    pub fn map<U>(self, f: impl FnMut(T) -> U) -> Slice<U> {
        Slice {
            items: self.items.into_iter().map(f).collect(),
            offset: self.offset,
            has_next: self.has_next,
            total: self.total,
            has_previous: self.has_previous,
        }
    }
}

const CURSOR_PREFIX: &str = "cc1:";

pub fn encode_cursor(position: u64) -> String {
    URL_SAFE_NO_PAD.encode(format!("{CURSOR_PREFIX}{position}"))
}

fn decode_cursor(field: &str, cursor: &str) -> Result<u64> {
    let bad = || Error::bad_input(field, format!("`{field}` is not a cursor this API issued"));
    let bytes = URL_SAFE_NO_PAD.decode(cursor).map_err(|_| bad())?;
    let text = String::from_utf8(bytes).map_err(|_| bad())?;
    text.strip_prefix(CURSOR_PREFIX)
        .and_then(|n| n.parse().ok())
        .ok_or_else(bad)
}

fn size(field: &str, value: Option<i32>) -> Result<Option<u64>> {
    match value {
        None => Ok(None),
        Some(n) if n < 0 => Err(Error::bad_input(
            field,
            format!("`{field}` must not be negative"),
        )),
        Some(n) if n as u64 > MAX_PAGE_SIZE => Err(Error::bad_input(
            field,
            format!("`{field}` must be at most {MAX_PAGE_SIZE}"),
        )),
        Some(n) => Ok(Some(n as u64)),
    }
}

/// What the arguments ask for, before the total is known.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Request {
    Window(Window),
    /// `last` with no `before`: the final `n` rows, which needs the total.
    Last(u64),
}

impl PageArgs {
    pub fn forward(first: u64) -> Self {
        PageArgs {
            first: Some(first as i32),
            ..Default::default()
        }
    }

    pub(crate) fn request(&self) -> Result<Request> {
        let first = size("first", self.first)?;
        let last = size("last", self.last)?;
        let after = self
            .after
            .as_deref()
            .map(|c| decode_cursor("after", c))
            .transpose()?;
        let before = self
            .before
            .as_deref()
            .map(|c| decode_cursor("before", c))
            .transpose()?;
        if first.is_some() && last.is_some() {
            return Err(Error::bad_input(
                "last",
                "pass either `first` or `last`, not both",
            ));
        }
        // Rows strictly between the cursors.
        let start = after.map_or(0, |a| a + 1);
        let end = before;
        if let Some(last) = last {
            return Ok(match end {
                Some(end) => {
                    let end = end.max(start);
                    let from = end.saturating_sub(last).max(start);
                    Request::Window(Window {
                        offset: from,
                        limit: end - from,
                    })
                }
                None if after.is_none() => Request::Last(last),
                None => Request::Window(Window {
                    offset: start,
                    limit: last,
                }),
            });
        }
        let mut limit = first.unwrap_or(DEFAULT_PAGE_SIZE);
        if let Some(end) = end {
            limit = limit.min(end.saturating_sub(start));
        }
        Ok(Request::Window(Window {
            offset: start,
            limit,
        }))
    }

    /// The window for a nested list, where `last` without `before` is not offered.
    pub fn window(&self) -> Result<Window> {
        match self.request()? {
            Request::Window(w) => Ok(w),
            Request::Last(_) => Err(Error::bad_input(
                "last",
                "`last` needs `before` on nested lists",
            )),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(
        first: Option<i32>,
        after: Option<u64>,
        last: Option<i32>,
        before: Option<u64>,
    ) -> PageArgs {
        PageArgs {
            first,
            after: after.map(encode_cursor),
            last,
            before: before.map(encode_cursor),
        }
    }

    #[test]
    fn forward_pages_follow_the_cursor() {
        let w = args(Some(5), Some(4), None, None).request().unwrap();
        assert_eq!(
            w,
            Request::Window(Window {
                offset: 5,
                limit: 5
            })
        );
    }

    #[test]
    fn backward_pages_end_before_the_cursor() {
        let w = args(None, None, Some(3), Some(10)).request().unwrap();
        assert_eq!(
            w,
            Request::Window(Window {
                offset: 7,
                limit: 3
            })
        );
        let w = args(None, None, Some(30), Some(10)).request().unwrap();
        assert_eq!(
            w,
            Request::Window(Window {
                offset: 0,
                limit: 10
            })
        );
        assert_eq!(
            args(None, None, Some(3), None).request().unwrap(),
            Request::Last(3)
        );
    }

    #[test]
    fn sizes_and_cursors_are_checked() {
        let too_big = args(Some(MAX_PAGE_SIZE as i32 + 1), None, None, None).request();
        assert!(matches!(too_big, Err(Error::BadInput { field, .. }) if field == "first"));
        let negative = args(None, None, Some(-1), None).request();
        assert!(matches!(negative, Err(Error::BadInput { field, .. }) if field == "last"));
        let malformed = PageArgs {
            after: Some("not-a-cursor".into()),
            ..Default::default()
        };
        assert!(
            matches!(malformed.request(), Err(Error::BadInput { field, .. }) if field == "after")
        );
    }

    #[test]
    fn cursors_round_trip() {
        for n in [0, 1, 99, u64::MAX] {
            assert_eq!(decode_cursor("after", &encode_cursor(n)).unwrap(), n);
        }
    }
}
