//! Reading a spreadsheet into a table of text cells: CSV (UTF-8 with or without a
//! byte-order mark, or GB18030, as Chinese offices' Excel saves it) or XLSX (the first
//! sheet, read with calamine). Dates in XLSX cells come out as `YYYY-MM-DD`.
use std::io::Cursor;

use calamine::{Data, Reader, Xlsx};

use crate::{Error, Result};

/// How the bytes of a CSV file are to be read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Encoding {
    /// UTF-8 when the bytes are valid UTF-8, GB18030 otherwise.
    #[default]
    Detect,
    Utf8,
    Gb18030,
}

impl Encoding {
    /// From a flag or parameter: `utf-8`, `gb18030` (also `gbk`, `gb2312`, which it
    /// contains), `auto`.
    pub fn parse(text: &str) -> Option<Encoding> {
        match text.trim().to_ascii_lowercase().replace('_', "-").as_str() {
            "auto" | "detect" => Some(Encoding::Detect),
            "utf-8" | "utf8" => Some(Encoding::Utf8),
            "gb18030" | "gbk" | "gb2312" => Some(Encoding::Gb18030),
            _ => None,
        }
    }
}

/// A sheet: its header row and the rows under it, each cell trimmed text. Rows that are
/// wholly empty are dropped; `lines` keeps each row's line in the file (header = 1).
#[derive(Debug, Default)]
pub struct Table {
    pub headers: Vec<String>,
    pub rows: Vec<Vec<String>>,
    pub lines: Vec<usize>,
}

impl Table {
    fn push(&mut self, line: usize, row: Vec<String>) {
        if line == 1 {
            self.headers = row;
        } else if row.iter().any(|c| !c.is_empty()) {
            self.rows.push(row);
            self.lines.push(line);
        }
    }
}

/// An XLSX file is a zip archive: it starts with the zip's local-header signature.
pub fn is_xlsx(bytes: &[u8]) -> bool {
    bytes.starts_with(b"PK\x03\x04")
}

/// Reads `bytes` as XLSX when they are a zip archive, as CSV otherwise.
pub fn table(bytes: &[u8], encoding: Encoding) -> Result<Table> {
    if is_xlsx(bytes) {
        xlsx(bytes)
    } else {
        csv(&text(bytes, encoding)?)
    }
}

/// The text of a CSV file, without its byte-order mark.
pub fn text(bytes: &[u8], encoding: Encoding) -> Result<String> {
    let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
    let utf8 = std::str::from_utf8(bytes);
    match (encoding, utf8) {
        (Encoding::Utf8 | Encoding::Detect, Ok(text)) => Ok(text.to_owned()),
        (Encoding::Utf8, Err(e)) => Err(Error::bad_input(
            "file",
            format!(
                "not UTF-8 (byte {}); save as UTF-8 or say GB18030",
                e.valid_up_to()
            ),
        )),
        (Encoding::Gb18030 | Encoding::Detect, _) => {
            let (text, _, had_errors) = encoding_rs::GB18030.decode(bytes);
            if had_errors {
                return Err(Error::bad_input(
                    "file",
                    "neither UTF-8 nor GB18030: save the file as CSV UTF-8",
                ));
            }
            Ok(text.into_owned())
        }
    }
}

/// Parses CSV text (RFC 4180: quoted fields hold commas, quotes and line breaks; a
/// semicolon or tab separates instead when the header line has one and no comma).
pub fn csv(text: &str) -> Result<Table> {
    let first = text.lines().next().unwrap_or_default();
    let separator = if first.contains(',') {
        b','
    } else if first.contains(';') {
        b';'
    } else if first.contains('\t') {
        b'\t'
    } else {
        b','
    };
    let mut reader = ::csv::ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .delimiter(separator)
        .from_reader(text.as_bytes());
    let mut table = Table::default();
    // Rows are numbered as a spreadsheet numbers them (a quoted line break does not
    // start a row).
    for (i, record) in reader.records().enumerate() {
        let record =
            record.map_err(|e| Error::bad_input("file", format!("unreadable CSV: {e}")))?;
        table.push(i + 1, record.iter().map(|c| c.trim().to_owned()).collect());
    }
    Ok(table)
}

/// The first sheet of an XLSX workbook.
pub fn xlsx(bytes: &[u8]) -> Result<Table> {
    let unreadable =
        |e: &dyn std::fmt::Display| Error::bad_input("file", format!("unreadable XLSX: {e}"));
    let mut book: Xlsx<_> =
        calamine::open_workbook_from_rs(Cursor::new(bytes)).map_err(|e| unreadable(&e))?;
    let range = book
        .worksheet_range_at(0)
        .ok_or_else(|| Error::bad_input("file", "the workbook has no sheet"))?
        .map_err(|e| unreadable(&e))?;
    let first_row = range.start().map_or(0, |(r, _)| r as usize);
    let first_col = range.start().map_or(0, |(_, c)| c as usize);
    let mut table = Table::default();
    for (i, row) in range.rows().enumerate() {
        let mut cells = vec![String::new(); first_col];
        cells.extend(row.iter().map(cell));
        table.push(first_row + i + 1, cells);
    }
    Ok(table)
}

fn cell(data: &Data) -> String {
    match data {
        Data::Empty | Data::Error(_) => String::new(),
        Data::String(s) | Data::DateTimeIso(s) | Data::DurationIso(s) => s.trim().to_owned(),
        Data::Int(n) => n.to_string(),
        Data::Float(f) if f.fract() == 0.0 && f.abs() < 1e15 => format!("{}", *f as i64),
        Data::Float(f) => f.to_string(),
        Data::Bool(b) => b.to_string(),
        Data::DateTime(d) => {
            // Excel's day 0 is 1899-12-30 (its 1900 leap-year bug folded in).
            let epoch = chrono::NaiveDate::from_ymd_opt(1899, 12, 30).expect("a date");
            epoch
                .checked_add_days(chrono::Days::new(d.as_f64().floor().max(0.0) as u64))
                .map(|d| d.to_string())
                .unwrap_or_default()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn csv_with_bom_quotes_and_blank_lines() {
        let t = table(
            "\u{feff}nameEn,country\r\n\"King's College, London\",UK\r\n,\r\n香港大学,香港\r\n"
                .as_bytes(),
            Encoding::Detect,
        )
        .unwrap();
        assert_eq!(t.headers, ["nameEn", "country"]);
        assert_eq!(
            t.rows,
            [["King's College, London", "UK"], ["香港大学", "香港"]]
        );
        assert_eq!(t.lines, [2, 4]);
    }

    #[test]
    fn gb18030_is_detected_and_can_be_named() {
        let (bytes, _, _) = encoding_rs::GB18030.encode("英文名称,国家\r\n清华大学,中国\r\n");
        for encoding in [Encoding::Detect, Encoding::Gb18030] {
            let t = table(&bytes, encoding).unwrap();
            assert_eq!(t.headers, ["英文名称", "国家"]);
            assert_eq!(t.rows, [["清华大学", "中国"]]);
        }
        assert!(table(&bytes, Encoding::Utf8).is_err());
    }

    #[test]
    fn encodings_by_name() {
        assert_eq!(Encoding::parse("GBK"), Some(Encoding::Gb18030));
        assert_eq!(Encoding::parse("utf_8"), Some(Encoding::Utf8));
        assert_eq!(Encoding::parse("latin1"), None);
    }
}
