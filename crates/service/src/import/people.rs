//! People a row names: an agreement's signatories and witnesses, an event's
//! participants. Each entry of a cell (`;` between several) is a person's global id or
//! name, optionally followed by the organisation they acted for in parentheses
//! (`JIANG Hong (SUSTech)`), and for participants optionally preceded by their role
//! (`speaker: JIANG Hong`). People are matched in the registry by their full name in
//! either order or their Chinese name, folded as organisations' names are; a name no
//! one has is a new person (created once per file), a name several have is ambiguous.
use entity::enums::{AgreementPersonRole, ParticipantRole};

use super::agreements::PartnerRef;
use super::{
    Candidate, Cells, Checked, Context, Invalid, PartnerOutcome, RecordKind, RowReport, RowStatus,
};
use crate::domain::{NAME_MAX, Text};
use crate::people::PersonInput;

/// A person a row names: one in the registry, or one this import creates (its index
/// among the file's new people).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PersonRef {
    Known(i64),
    New(usize),
}

/// A person in a role on a record, with the organisation they acted for when the row
/// says it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct PersonLink<R> {
    pub person: PersonRef,
    pub role: R,
    pub organisation: Option<PartnerRef>,
}

pub(super) const PARTICIPANT_ROLES: &[(ParticipantRole, &[&str])] = &[
    (ParticipantRole::Presided, &["PRESIDED", "主持", "主持人"]),
    (ParticipantRole::Speaker, &["SPEAKER", "致辞", "讲话"]),
    (ParticipantRole::Presenter, &["PRESENTER", "报告", "发言"]),
    (ParticipantRole::Attendee, &["ATTENDEE", "出席", "参加"]),
    (ParticipantRole::Signatory, &["SIGNATORY", "签约", "签署"]),
    (ParticipantRole::Witness, &["WITNESS", "见证"]),
    (ParticipantRole::Awarded, &["AWARDED", "颁奖"]),
];

/// How a row's people were found, for the report.
pub(super) fn outcomes<R>(links: &[PersonLink<R>]) -> Vec<PartnerOutcome> {
    links
        .iter()
        .map(|l| match l.person {
            PersonRef::Known(id) => PartnerOutcome {
                status: RowStatus::Matched,
                id: Some(id),
            },
            PersonRef::New(_) => PartnerOutcome {
                status: RowStatus::New,
                id: None,
            },
        })
        .collect()
}

/// A new person from a name as sources write it: `JIANG Hong` (a family name in
/// capitals first), `Hong Jiang` (given names first), or a Chinese name, kept whole as
/// both the family name and the Chinese name.
pub(super) fn person_input(name: &str) -> PersonInput {
    let words: Vec<&str> = name.split_whitespace().collect();
    let cjk = name
        .chars()
        .any(|c| matches!(c as u32, 0x3400..=0x9FFF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF));
    let (family, given, zh) = match words.as_slice() {
        _ if cjk && words.len() == 1 => (name.to_owned(), None, Some(name.to_owned())),
        [] | [_] => (name.trim().to_owned(), None, None),
        [first, rest @ ..]
            if first.chars().any(char::is_alphabetic)
                && first.chars().all(|c| !c.is_lowercase()) =>
        {
            ((*first).to_owned(), Some(rest.join(" ")), None)
        }
        [given @ .., last] => ((*last).to_owned(), Some(given.join(" ")), None),
    };
    PersonInput {
        family_name: family,
        given_name: given,
        name_zh: zh,
        source: None,
        affiliations: Vec::new(),
        idempotency_key: None,
    }
}

/// Splits `name (organisation)` (or full-width parentheses) into its parts.
fn acting_for(entry: &str) -> (&str, Option<&str>) {
    let entry = entry.trim();
    if let Some(stripped) = entry.strip_suffix([')', '）'])
        && let Some(open) = stripped.rfind(['(', '（'])
    {
        let org = stripped[open..].trim_start_matches(['(', '（']).trim();
        let name = stripped[..open].trim();
        if !name.is_empty() && !org.is_empty() {
            return (name, Some(org));
        }
    }
    (entry, None)
}

impl Context<'_> {
    /// The people a row's `column` names, each in the role `role_of` reads from its
    /// entry (with the entry's rest), or `None` when the cell is empty. New people are
    /// planned into `create`; an ambiguous one makes the row `AMBIGUOUS`.
    pub(super) fn people_named<R: Copy + PartialEq>(
        &mut self,
        cells: &Cells,
        line: &mut RowReport,
        column: &'static str,
        create: &mut Vec<(usize, Box<PersonInput>)>,
        role_of: impl Fn(&str) -> Checked<(R, String)>,
    ) -> Checked<Option<Vec<PersonLink<R>>>> {
        let Some(cell) = cells.get(column) else {
            return Ok(None);
        };
        let mut links: Vec<PersonLink<R>> = Vec::new();
        for entry in cell
            .split([';', '；', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let (role, rest) = role_of(entry)?;
            let (name, org) = acting_for(&rest);
            let organisation = match org {
                None => None,
                Some(o) => Some(self.organisation_for(column, o)?),
            };
            let person = match (self.decode_id)(RecordKind::Person, name)
                .filter(|k| self.people.records.contains_key(k))
            {
                Some(id) => PersonRef::Known(id),
                None => match self.people.by_name(name).as_slice() {
                    [id] => PersonRef::Known(*id),
                    [] => match self.people.pending(name) {
                        Some(n) => PersonRef::New(n),
                        None => {
                            Text::parse(column, name, NAME_MAX)
                                .map_err(|e| Invalid::from((column, e)))?;
                            let n = self.people_created;
                            self.people_created += 1;
                            let input = person_input(name);
                            // Found again later in the file by any name it is found by
                            // once in the registry.
                            self.people.will_create(name, n);
                            if let Some(given) = &input.given_name {
                                self.people
                                    .will_create(&format!("{} {given}", input.family_name), n);
                                self.people
                                    .will_create(&format!("{given} {}", input.family_name), n);
                            }
                            create.push((n, Box::new(input)));
                            PersonRef::New(n)
                        }
                    },
                    several => {
                        line.status = RowStatus::Ambiguous;
                        line.candidates = several
                            .iter()
                            .filter_map(|id| self.people.records.get(id))
                            .map(|p| Candidate {
                                kind: RecordKind::Person,
                                id: p.id,
                                name: match &p.given_name {
                                    Some(g) => format!("{} {g}", p.family_name),
                                    None => p.family_name.clone(),
                                },
                                country: None,
                            })
                            .collect();
                        line.column = Some(column.into());
                        line.reason = Some(format!(
                            "more than one person in the registry is called `{name}`: write their id"
                        ));
                        return Ok(Some(Vec::new()));
                    }
                },
            };
            // A person once in a role: the database holds each (person, role) once.
            if let Some(same) = links
                .iter_mut()
                .find(|l| l.person == person && l.role == role)
            {
                same.organisation = same.organisation.or(organisation);
            } else {
                links.push(PersonLink {
                    person,
                    role,
                    organisation,
                });
            }
        }
        Ok(Some(links))
    }

    /// The organisation a person acted for: a global id or a name, in the registry or
    /// among the organisations this file creates.
    fn organisation_for(&self, column: &'static str, text: &str) -> Checked<PartnerRef> {
        if let Some(id) = (self.decode_id)(RecordKind::Organisation, text)
            .filter(|k| self.registry.records.contains_key(k))
        {
            return Ok(PartnerRef::Known(id));
        }
        match self.registry.by_names(&[text], None).as_slice() {
            [id] => Ok(PartnerRef::Known(*id)),
            [] => match self.registry.pending(&[text]) {
                Some(n) => Ok(PartnerRef::New(n as usize)),
                None => Err(Invalid(
                    column,
                    format!(
                        "no organisation is called `{text}` (name it as a partner to create it)"
                    ),
                )),
            },
            _ => Err(Invalid(
                column,
                format!("more than one organisation is called `{text}`: give its id"),
            )),
        }
    }
}

/// The agreement role of a signatories or witnesses column, the entry whole.
pub(super) fn fixed_role<R: Copy>(role: R) -> impl Fn(&str) -> Checked<(R, String)> {
    move |entry| Ok((role, entry.to_owned()))
}

/// A participant's role, written before their name (`speaker: JIANG Hong`); attendee
/// when the entry names none.
pub(super) fn participant_role(
    column: &'static str,
) -> impl Fn(&str) -> Checked<(ParticipantRole, String)> {
    move |entry| {
        let Some((prefix, rest)) = entry.split_once([':', '：']) else {
            return Ok((ParticipantRole::Attendee, entry.to_owned()));
        };
        let folded = prefix.trim().to_ascii_uppercase().replace([' ', '-'], "_");
        PARTICIPANT_ROLES
            .iter()
            .find(|(_, names)| names.iter().any(|n| *n == folded || *n == prefix.trim()))
            .map(|(role, _)| (*role, rest.trim().to_owned()))
            .ok_or_else(|| {
                let allowed: Vec<&str> = PARTICIPANT_ROLES.iter().map(|(_, n)| n[0]).collect();
                Invalid(
                    column,
                    format!(
                        "`{}` is not a participant's role (one of {})",
                        prefix.trim(),
                        allowed.join(", ")
                    ),
                )
            })
    }
}

/// Whether the people a row names for `roles` are the ones stored (person, role, and
/// organisation where the row gives one), in any order.
pub(super) fn same_people<R: Copy + PartialEq>(
    named: &[PersonLink<R>],
    stored: &[(i64, R, Option<i64>)],
    roles: &[R],
) -> bool {
    let stored: Vec<&(i64, R, Option<i64>)> =
        stored.iter().filter(|s| roles.contains(&s.1)).collect();
    stored.len() == named.len()
        && named.iter().all(|l| {
            stored.iter().any(|(p, r, o)| {
                l.person == PersonRef::Known(*p)
                    && l.role == *r
                    && match l.organisation {
                        None => true,
                        Some(org) => org == PartnerRef::Known(o.unwrap_or(-1)),
                    }
            })
        })
}

pub(super) const AGREEMENT_PEOPLE: [(&str, AgreementPersonRole); 2] = [
    ("signatories", AgreementPersonRole::Signatory),
    ("witnesses", AgreementPersonRole::Witness),
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_as_sources_write_them() {
        let p = person_input("JIANG Hong");
        assert_eq!(
            (p.family_name.as_str(), p.given_name.as_deref()),
            ("JIANG", Some("Hong"))
        );
        let p = person_input("Hristo Beloev");
        assert_eq!(
            (p.family_name.as_str(), p.given_name.as_deref()),
            ("Beloev", Some("Hristo"))
        );
        let p = person_input("薛其坤");
        assert_eq!(
            (p.family_name.as_str(), p.name_zh.as_deref()),
            ("薛其坤", Some("薛其坤"))
        );
        assert_eq!(
            acting_for("JIANG Hong (SUSTech)"),
            ("JIANG Hong", Some("SUSTech"))
        );
        assert_eq!(
            acting_for("江红（南方科技大学）"),
            ("江红", Some("南方科技大学"))
        );
        assert_eq!(acting_for("Hong Jiang"), ("Hong Jiang", None));
    }

    #[test]
    fn participants_roles_before_their_names() {
        let role = participant_role("participants");
        assert_eq!(
            role("speaker: JIANG Hong").ok().unwrap(),
            (ParticipantRole::Speaker, "JIANG Hong".into())
        );
        assert_eq!(
            role("主持：江红").ok().unwrap(),
            (ParticipantRole::Presided, "江红".into())
        );
        assert_eq!(
            role("JIANG Hong").ok().unwrap(),
            (ParticipantRole::Attendee, "JIANG Hong".into())
        );
        assert!(role("dancer: JIANG Hong").is_err());
    }
}
