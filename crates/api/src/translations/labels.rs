//! English and Chinese labels of every enum value of the schema, in one table. A unit
//! test checks it against the schema itself: every enum, every value, both labels.

/// An enum's values, each with its English and Chinese label.
type Values = &'static [(&'static str, &'static str, &'static str)];

pub const LABELS: &[(&str, Values)] = &[
    (
        "AdoptionKind",
        &[
            ("RECOGNISED", "Recognised", "认可"),
            ("ADOPTED", "Adopted", "采用"),
            ("PILOTED", "Piloted", "试点"),
        ],
    ),
    (
        "AdoptionOrderField",
        &[
            ("ADOPTED_ON", "Date adopted", "采用日期"),
            ("COUNTRY", "Country or region", "国家或地区"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "AgreementKind",
        &[
            ("MOU", "Memorandum of understanding", "合作备忘录"),
            ("FRAMEWORK", "Framework agreement", "框架协议"),
            ("EXCHANGE", "Exchange agreement", "交流协议"),
            ("JOINT_SCHOOL", "Joint school", "联合学院"),
            ("JOINT_DEGREE", "Joint degree", "联合学位"),
            ("DOUBLE_DEGREE", "Double degree", "双学位"),
            ("JOINT_TRAINING", "Joint training", "联合培养"),
            ("RESEARCH", "Research cooperation", "科研合作"),
            ("CHAIR_HOSTING", "Chair hosting", "教席设立"),
            ("COMMITTEE_HOSTING", "Committee hosting", "委员会落户"),
        ],
    ),
    (
        "AgreementOrderField",
        &[
            ("SIGNED_ON", "Date signed", "签署日期"),
            ("TITLE", "Title", "标题"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("VALID_FROM", "Valid from", "生效日期"),
            ("VALID_TO", "Valid until", "有效期至"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "AgreementPersonRole",
        &[
            ("SIGNATORY", "Signatory", "签署人"),
            ("WITNESS", "Witness", "见证人"),
        ],
    ),
    (
        "AgreementStatus",
        &[
            ("PROPOSED", "Proposed", "已提议"),
            ("DRAFT", "Draft", "草案"),
            ("IN_EFFECT", "In effect", "生效中"),
            ("EXPIRED", "Expired", "已到期"),
            ("RENEWED", "Renewed", "已续签"),
            ("TERMINATED", "Terminated", "已终止"),
            ("WITHDRAWN", "Withdrawn", "已撤回"),
        ],
    ),
    (
        "BreakdownDimension",
        &[
            ("COUNTRY", "Country or region", "国家或地区"),
            ("REGION", "World region", "世界区域"),
            ("SUBREGION", "World sub-region", "世界次区域"),
            ("YEAR", "Year", "年份"),
            ("KIND", "Kind", "类型"),
            ("STATUS", "Status", "状态"),
            ("MEMBER", "Member", "成员单位"),
        ],
    ),
    (
        "CentreStatus",
        &[
            ("PLANNED", "Planned", "筹建中"),
            ("OPERATING", "Operating", "运营中"),
            ("SUSPENDED", "Suspended", "已暂停"),
            ("CLOSED", "Closed", "已关闭"),
        ],
    ),
    (
        "ChangeOperation",
        &[
            ("CREATE", "Created", "新建"),
            ("UPDATE", "Changed", "修改"),
            ("ARCHIVE", "Archived", "归档"),
            ("RESTORE", "Restored", "恢复"),
            ("MERGE", "Merged", "合并"),
            ("DELETE", "Deleted", "删除"),
        ],
    ),
    (
        "CountryOrderField",
        &[
            ("CODE", "Code", "代码"),
            ("NAME_EN", "English name", "英文名称"),
        ],
    ),
    (
        "CurriculumStandardOrderField",
        &[
            ("TITLE", "Title", "标题"),
            ("ISSUED_ON", "Date issued", "发布日期"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "EventFormat",
        &[
            ("ONSITE", "On site", "线下"),
            ("ONLINE", "Online", "线上"),
            ("HYBRID", "Hybrid", "线上线下结合"),
        ],
    ),
    (
        "EventKind",
        &[
            ("SYMPOSIUM", "Symposium", "座谈会"),
            ("CONFERENCE", "Conference", "会议"),
            ("FORUM", "Forum", "论坛"),
            ("MEETING", "Meeting", "工作会议"),
            ("WORKSHOP", "Workshop", "研讨班"),
            ("CEREMONY", "Ceremony", "仪式"),
            ("VISIT", "Visit", "访问"),
            ("PARTNERSHIP_WEEK", "Partnership week", "伙伴周"),
            ("OTHER", "Other", "其他"),
        ],
    ),
    (
        "EventOrderField",
        &[
            ("START_DATE", "Start date", "开始日期"),
            ("TITLE", "Title", "标题"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "EventOrganisationRole",
        &[
            ("HOST", "Host", "承办"),
            ("CO_HOST", "Co-host", "协办"),
            ("SPONSOR", "Sponsor", "主办"),
            ("GUIDANCE", "Under the guidance of", "指导单位"),
            ("SUPPORTING", "Supporting", "支持单位"),
            ("ATTENDING_INSTITUTION", "Attending institution", "参会院校"),
            ("REPRESENTED", "Represented", "派代表出席"),
        ],
    ),
    (
        "EventStatus",
        &[
            ("PLANNED", "Planned", "计划中"),
            ("HELD", "Held", "已举行"),
            ("CANCELLED", "Cancelled", "已取消"),
            ("POSTPONED", "Postponed", "已推迟"),
        ],
    ),
    (
        "IndicatorCode",
        &[
            (
                "PARTNER_INSTITUTIONS",
                "Partner institutions",
                "合作院校及机构",
            ),
            (
                "PARTNER_COUNTRIES_AND_REGIONS",
                "Countries and regions of partners",
                "合作伙伴所在国家和地区",
            ),
            (
                "AGREEMENTS_IN_EFFECT",
                "Agreements in effect",
                "有效合作协议",
            ),
            (
                "JOINT_PROGRAMMES_RUNNING",
                "Joint programmes running",
                "在办联合培养项目",
            ),
            (
                "INTERNATIONAL_EVENTS_HOSTED",
                "International events hosted",
                "主办国际交流活动",
            ),
            (
                "FOREIGN_PARTICIPANTS",
                "Foreign participants at events",
                "参加活动的境外人员",
            ),
            (
                "CURRICULUM_STANDARDS_DEVELOPED",
                "Curriculum standards developed",
                "开发的专业教学标准",
            ),
            (
                "STANDARDS_ADOPTED_ABROAD",
                "Standards adopted abroad",
                "被境外采用的标准",
            ),
            (
                "STANDARD_ADOPTING_COUNTRIES_AND_REGIONS",
                "Countries and regions adopting standards",
                "采用标准的国家和地区",
            ),
            (
                "TRAINING_CENTRES_ABROAD",
                "Training centres operating abroad",
                "境外运营的培训中心",
            ),
            (
                "TRAINING_CENTRE_COUNTRIES",
                "Countries and regions with training centres",
                "设有培训中心的国家和地区",
            ),
        ],
    ),
    (
        "IndicatorMetric",
        &[
            (
                "PARTNER_INSTITUTIONS",
                "Partner institutions",
                "合作院校及机构数",
            ),
            (
                "PARTNER_COUNTRIES_AND_REGIONS",
                "Partner countries and regions",
                "合作国家和地区数",
            ),
            ("FRIENDLY_CITIES", "Friendly cities", "友好城市数"),
            (
                "FRIENDLY_CITY_COUNTRIES",
                "Countries of friendly cities",
                "友好城市所在国家数",
            ),
            (
                "CURRICULUM_STANDARDS",
                "Curriculum standards",
                "专业课程标准数",
            ),
            (
                "STANDARD_ADOPTING_COUNTRIES_AND_REGIONS",
                "Countries and regions adopting the standards",
                "采用标准的国家和地区数",
            ),
            ("TRAINING_CENTRES", "Training centres", "培训中心数"),
            (
                "TRAINING_CENTRE_COUNTRIES",
                "Countries with training centres",
                "培训中心所在国家数",
            ),
            (
                "ATTENDING_INSTITUTIONS",
                "Attending institutions",
                "参会院校数",
            ),
            (
                "ATTENDING_COUNTRIES_AND_REGIONS",
                "Attending countries and regions",
                "参会国家和地区数",
            ),
            ("OTHER", "Other", "其他"),
        ],
    ),
    (
        "IndicatorOrderField",
        &[
            ("PERIOD_END", "End of period", "统计截止日期"),
            ("VALUE", "Value", "数值"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "NameKind",
        &[
            ("LABEL", "Name", "名称"),
            ("ALIAS", "Alias", "别名"),
            ("ACRONYM", "Acronym", "缩写"),
        ],
    ),
    (
        "OrderDirection",
        &[("ASC", "Ascending", "升序"), ("DESC", "Descending", "降序")],
    ),
    (
        "OrganisationKind",
        &[
            ("UNIVERSITY", "University", "大学"),
            ("SCHOOL", "School", "学院"),
            ("DEPARTMENT", "Department", "系"),
            ("LABORATORY", "Laboratory", "实验室"),
            ("OFFICE", "Office", "办公室"),
            ("CENTRE", "Centre", "中心"),
            ("COMPANY", "Company", "企业"),
            ("GOVERNMENT_BODY", "Government body", "政府机构"),
            (
                "INTERNATIONAL_ORGANISATION",
                "International organisation",
                "国际组织",
            ),
            ("ASSOCIATION", "Association", "协会"),
            ("OTHER", "Other", "其他"),
        ],
    ),
    (
        "OrganisationOrderField",
        &[
            ("NAME", "Name", "名称"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "ParticipantRole",
        &[
            ("PRESIDED", "Presided", "主持"),
            ("SPEAKER", "Speaker", "致辞"),
            ("PRESENTER", "Presenter", "报告人"),
            ("ATTENDEE", "Attendee", "出席"),
            ("SIGNATORY", "Signatory", "签署人"),
            ("WITNESS", "Witness", "见证人"),
            ("AWARDED", "Presented awards", "颁奖"),
        ],
    ),
    (
        "PartnershipKind",
        &[
            ("ACADEMIC", "Academic", "学术机构"),
            ("INDUSTRY", "Industry", "企业"),
            ("GOVERNMENT", "Government", "政府机构"),
            ("OTHER", "Other", "其他"),
        ],
    ),
    (
        "PartnershipOrderField",
        &[
            ("SINCE", "Partner since", "合作起始日期"),
            ("UNTIL", "Partner until", "合作截止日期"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "PartnershipStatus",
        &[("ACTIVE", "Active", "合作中"), ("ENDED", "Ended", "已结束")],
    ),
    (
        "PartyRole",
        &[
            ("PARTY", "Party", "签约方"),
            ("HOST", "Host", "承办方"),
            ("GRANTOR", "Grantor", "授予方"),
            ("FUNDER", "Funder", "资助方"),
        ],
    ),
    (
        "PersonOrderField",
        &[
            ("FAMILY_NAME", "Family name", "姓氏"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "RecordType",
        &[
            ("EVENT", "Event", "活动"),
            ("AGREEMENT", "Agreement", "协议"),
            ("CURRICULUM_STANDARD", "Curriculum standard", "专业教学标准"),
            ("TRAINING_CENTRE", "Training centre", "培训中心"),
            ("PARTNERSHIP", "Partnership", "合作伙伴关系"),
            ("INDICATOR", "Reported figure", "上报指标"),
            ("ORGANISATION", "Organisation", "机构"),
            ("PERSON", "Person", "人员"),
            ("SOURCE", "Source", "来源"),
            ("CONSORTIUM", "Consortium", "联盟"),
        ],
    ),
    (
        "Role",
        &[
            ("VIEWER", "Viewer", "查看者"),
            ("EDITOR", "Editor", "编辑者"),
            ("ADMIN", "Administrator", "管理员"),
            ("COORDINATOR", "Coordinator", "协调机构"),
        ],
    ),
    (
        "SourceOrderField",
        &[
            ("PUBLISHED_ON", "Date published", "发布日期"),
            ("TITLE", "Title", "标题"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "TrainingCentreOrderField",
        &[
            ("NAME", "Name", "名称"),
            ("OPENED_ON", "Date opened", "成立日期"),
            ("CREATED_AT", "Date recorded", "录入时间"),
            ("UPDATED_AT", "Last changed", "最后修改时间"),
        ],
    ),
    (
        "Visibility",
        &[
            ("PRIVATE", "Private", "仅本单位可见"),
            ("CONSORTIUM", "Consortium", "联盟内可见"),
            ("PUBLIC", "Public", "公开"),
        ],
    ),
    (
        "WebhookDeliveryStatus",
        &[
            ("PENDING", "Pending", "待发送"),
            ("DELIVERED", "Delivered", "已送达"),
            ("FAILED", "Failed", "发送失败"),
        ],
    ),
];

#[cfg(test)]
mod tests {
    use std::collections::BTreeMap;

    use super::*;

    /// Every enum of the schema's SDL with its values, as the schema declares them.
    fn schema_enums() -> BTreeMap<String, Vec<String>> {
        let sdl = crate::sdl();
        let mut out = BTreeMap::new();
        let mut current: Option<(String, Vec<String>)> = None;
        let mut in_description = false;
        for line in sdl.lines() {
            let line = line.trim();
            // A description block (`"""` on lines of their own) may hold capitals too.
            if line.starts_with("\"\"\"") {
                let one_line = line.len() > 6 && line.ends_with("\"\"\"");
                if !one_line {
                    in_description = !in_description;
                }
                continue;
            }
            if in_description {
                continue;
            }
            if let Some(rest) = line.strip_prefix("enum ") {
                let name = rest.trim_end_matches('{').trim().to_owned();
                current = Some((name, Vec::new()));
            } else if line == "}" {
                if let Some((name, values)) = current.take() {
                    out.insert(name, values);
                }
            } else if let Some((_, values)) = &mut current {
                let word = line.split_whitespace().next().unwrap_or_default();
                if !word.is_empty()
                    && word
                        .bytes()
                        .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
                {
                    values.push(word.to_owned());
                }
            }
        }
        out
    }

    #[test]
    fn every_enum_value_of_the_schema_has_both_labels() {
        let enums = schema_enums();
        assert!(enums.contains_key("AgreementStatus"), "{enums:?}");
        let labelled: BTreeMap<String, Vec<String>> = LABELS
            .iter()
            .map(|(e, values)| {
                (
                    (*e).to_owned(),
                    values.iter().map(|(v, _, _)| (*v).to_owned()).collect(),
                )
            })
            .collect();
        assert_eq!(
            labelled, enums,
            "the labels name exactly the schema's enums and values"
        );
        for (name, values) in LABELS {
            for (value, en, zh) in *values {
                assert!(!en.trim().is_empty(), "{name}.{value} has no English label");
                assert!(
                    zh.chars().any(|c| ('\u{4e00}'..='\u{9fff}').contains(&c)),
                    "{name}.{value} has no Chinese label"
                );
            }
        }
    }
}
