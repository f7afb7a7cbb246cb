//! The columns each kind of import reads, by their English names (the API's field
//! names) and the Chinese and spreadsheet names offices use. Headers are compared
//! folded (case, spaces and punctuation do not matter).
use crate::domain::SearchKey;

/// One column: its name (as reports name it) and the other headers that mean it.
pub struct Column {
    pub name: &'static str,
    pub aliases: &'static [&'static str],
}

const fn col(name: &'static str, aliases: &'static [&'static str]) -> Column {
    Column { name, aliases }
}

/// Columns of the report's CSV: a report read back (fixed) is read as the file itself.
pub const REPORT_COLUMNS: [&str; 5] = [
    "importStatus",
    "importId",
    "importCandidates",
    "importColumn",
    "importReason",
];

pub const ORGANISATIONS: &[Column] = &[
    col("id", &["编号"]),
    col(
        "nameEn",
        &[
            "name",
            "English name",
            "name (English)",
            "英文名称",
            "英文名",
            "机构英文名称",
        ],
    ),
    col(
        "nameZh",
        &[
            "Chinese name",
            "name (Chinese)",
            "中文名称",
            "中文名",
            "机构中文名称",
            "名称",
        ],
    ),
    col("abbreviation", &["acronym", "short name", "简称", "缩写"]),
    col("kind", &["type", "类型", "机构类型"]),
    col(
        "country",
        &[
            "country or region",
            "countryCode",
            "国家",
            "国家或地区",
            "国家/地区",
            "国别",
        ],
    ),
    col("city", &["城市"]),
    col("website", &["web", "url", "网站", "网址"]),
    col("rorId", &["ROR", "ROR编号"]),
    col("identifiers", &["identifier", "标识符"]),
];

pub const PARTNERSHIPS: &[Column] = &[
    col("id", &["partnershipId", "编号"]),
    col("member", &["memberId", "成员", "成员单位", "本校"]),
    col("owner", &["ownerId", "所有者"]),
    col("partnerId", &["合作机构编号"]),
    col(
        "partner",
        &[
            "partnerNameEn",
            "partner name",
            "partner institution",
            "nameEn",
            "English name",
            "合作机构",
            "合作机构英文名称",
            "英文名称",
            "合作院校",
        ],
    ),
    col(
        "partnerNameZh",
        &[
            "nameZh",
            "Chinese name",
            "合作机构中文名称",
            "中文名称",
            "中文名",
        ],
    ),
    col(
        "abbreviation",
        &["partnerAbbreviation", "acronym", "简称", "缩写"],
    ),
    col("partnerKind", &["organisation kind", "机构类型"]),
    col(
        "country",
        &[
            "partnerCountry",
            "country or region",
            "国家",
            "国家或地区",
            "国家/地区",
            "国别",
        ],
    ),
    col("city", &["partnerCity", "城市"]),
    col("website", &["partnerWebsite", "网站", "网址"]),
    col("rorId", &["partnerRorId", "ROR"]),
    col("identifiers", &["partnerIdentifiers", "标识符"]),
    col("kind", &["partnership kind", "type", "合作类型", "类型"]),
    col(
        "since",
        &["from", "start", "开始日期", "起始日期", "合作开始时间"],
    ),
    col(
        "until",
        &["to", "end", "结束日期", "截止日期", "合作结束时间"],
    ),
    col("status", &["状态"]),
    col("visibility", &["可见范围", "公开范围"]),
    col("notes", &["note", "remarks", "备注"]),
];

pub const AGREEMENTS: &[Column] = &[
    col("id", &["agreementId", "编号", "协议编号"]),
    col("owner", &["ownerId", "所有者", "本校", "签约单位"]),
    col(
        "title",
        &[
            "agreement title",
            "name",
            "协议名称",
            "协议标题",
            "名称",
            "标题",
        ],
    ),
    col("kind", &["agreement kind", "type", "协议类型", "类型"]),
    col("status", &["状态", "协议状态"]),
    col(
        "partner",
        &[
            "partners",
            "partner institution",
            "partner organisation",
            "partner organization",
            "合作机构",
            "合作方",
            "签约方",
        ],
    ),
    col(
        "partnerCountry",
        &["country", "国家", "国家或地区", "国家/地区", "国别"],
    ),
    col("partnerKind", &["organisation kind", "机构类型"]),
    col(
        "signedOn",
        &["signed", "signing date", "签署日期", "签约日期"],
    ),
    col("validFrom", &["from", "start", "生效日期", "开始日期"]),
    col(
        "validTo",
        &[
            "to",
            "until",
            "expires",
            "end",
            "失效日期",
            "截止日期",
            "结束日期",
        ],
    ),
    col("visibility", &["可见范围", "公开范围"]),
    col(
        "signatories",
        &["signatory", "signed by", "签署人", "签约人", "签字人"],
    ),
    col("witnesses", &["witness", "witnessed by", "见证人"]),
];

pub const EVENTS: &[Column] = &[
    col("id", &["eventId", "编号", "活动编号"]),
    col("owner", &["ownerId", "所有者", "本校"]),
    col(
        "title",
        &[
            "event title",
            "name",
            "活动名称",
            "会议名称",
            "名称",
            "标题",
        ],
    ),
    col("kind", &["event kind", "type", "活动类型", "类型"]),
    col("status", &["状态"]),
    col("format", &["形式", "举办形式"]),
    col(
        "startDate",
        &["start", "date", "from", "开始日期", "日期", "举办日期"],
    ),
    col("endDate", &["end", "to", "结束日期"]),
    col("venue", &["place", "地点", "会场"]),
    col("city", &["城市"]),
    col(
        "country",
        &[
            "country or region",
            "国家",
            "国家或地区",
            "国家/地区",
            "国别",
        ],
    ),
    col(
        "host",
        &[
            "hosts",
            "host organisation",
            "host organization",
            "organiser",
            "主办单位",
            "主办方",
            "承办单位",
        ],
    ),
    col("hostCountry", &["主办单位国家"]),
    col("hostKind", &["主办单位类型"]),
    col("visibility", &["可见范围", "公开范围"]),
    col(
        "participants",
        &[
            "participant",
            "people",
            "参会人员",
            "参与人员",
            "出席人员",
            "参加人员",
        ],
    ),
];

fn fold(header: &str) -> String {
    SearchKey::of(header).into_string().replace(' ', "")
}

/// Where each of a layout's columns is in the file, and what the file has besides.
pub struct Headers {
    /// For each column of the layout, its index in the file's rows.
    pub at: Vec<Option<usize>>,
    /// Headers that name no column (or a column already named), as written.
    pub unknown: Vec<String>,
}

pub fn headers(layout: &[Column], file: &[String]) -> Headers {
    let mut at = vec![None; layout.len()];
    let mut unknown = Vec::new();
    let report: Vec<String> = REPORT_COLUMNS.iter().map(|c| fold(c)).collect();
    for (i, header) in file.iter().enumerate() {
        let folded = fold(header);
        if folded.is_empty() || report.contains(&folded) {
            continue;
        }
        let found = layout
            .iter()
            .position(|c| fold(c.name) == folded || c.aliases.iter().any(|a| fold(a) == folded));
        match found {
            Some(c) if at[c].is_none() => at[c] = Some(i),
            Some(c) => unknown.push(format!("{header} (a second `{}` column)", layout[c].name)),
            None => unknown.push(header.clone()),
        }
    }
    Headers { at, unknown }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn english_and_chinese_headers_and_unknown_ones() {
        let file: Vec<String> = [
            "Name (English)",
            "中文名称",
            "国家或地区",
            "ROR ID",
            "Contry",
            "importStatus",
        ]
        .map(String::from)
        .to_vec();
        let h = headers(ORGANISATIONS, &file);
        let index = |name: &str| h.at[ORGANISATIONS.iter().position(|c| c.name == name).unwrap()];
        assert_eq!(index("nameEn"), Some(0));
        assert_eq!(index("nameZh"), Some(1));
        assert_eq!(index("country"), Some(2));
        assert_eq!(index("rorId"), Some(3));
        assert_eq!(h.unknown, ["Contry"]);
    }

    #[test]
    fn every_header_names_one_column() {
        for layout in [ORGANISATIONS, PARTNERSHIPS, AGREEMENTS, EVENTS] {
            let mut seen = std::collections::HashSet::new();
            for c in layout {
                for h in std::iter::once(c.name).chain(c.aliases.iter().copied()) {
                    assert!(seen.insert(fold(h)), "{h} twice");
                }
            }
        }
    }
}
