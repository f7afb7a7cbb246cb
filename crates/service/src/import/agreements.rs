//! Agreement rows: an agreement matched by its id, else by (owner, title, signed-on),
//! with its partner organisations matched in the registry (or created, once per file)
//! and written as parties beside the owner.
use std::collections::HashMap;

use chrono::NaiveDate;
use entity::enums::{
    AgreementKind, AgreementPersonRole, AgreementStatus, OrganisationKind, PartyRole,
};
use entity::{agreement, agreement_party, agreement_person};
use sea_orm::{
    ColumnTrait, DatabaseTransaction, EntityTrait, QueryFilter, QueryOrder, QuerySelect, QueryTrait,
};

use super::matching::NameKey;
use super::people::{AGREEMENT_PEOPLE, PersonLink, fixed_role, same_people};
use super::{
    Candidate, Cells, Checked, Context, Invalid, ORGANISATION_KINDS, PartnerOutcome, RecordKind,
    RowReport, RowStatus, VISIBILITIES, choice, date, text,
};
use crate::access::{Changeable, may_write, owner_of_new};
use crate::agreements::{AgreementInput, AgreementPatch, PartyInput};
use crate::domain::{self, DateSpan, TITLE_MAX};
use crate::organisations::OrganisationInput;
use crate::people::PersonInput;
use crate::{Result, Scope};

pub(super) const AGREEMENT_KINDS: &[(AgreementKind, &[&str])] = &[
    (
        AgreementKind::Mou,
        &["MOU", "合作备忘录", "谅解备忘录", "备忘录"],
    ),
    (AgreementKind::Framework, &["FRAMEWORK", "框架协议"]),
    (
        AgreementKind::Exchange,
        &["EXCHANGE", "交流协议", "交换协议"],
    ),
    (
        AgreementKind::JointSchool,
        &["JOINT_SCHOOL", "合作办学机构", "联合学院"],
    ),
    (AgreementKind::JointDegree, &["JOINT_DEGREE", "联合学位"]),
    (AgreementKind::DoubleDegree, &["DOUBLE_DEGREE", "双学位"]),
    (
        AgreementKind::JointTraining,
        &["JOINT_TRAINING", "联合培养"],
    ),
    (
        AgreementKind::Research,
        &["RESEARCH", "科研合作", "研究合作"],
    ),
    (AgreementKind::ChairHosting, &["CHAIR_HOSTING", "教席"]),
    (
        AgreementKind::CommitteeHosting,
        &["COMMITTEE_HOSTING", "委员会"],
    ),
];

pub(super) const AGREEMENT_STATUSES: &[(AgreementStatus, &[&str])] = &[
    (AgreementStatus::Proposed, &["PROPOSED", "拟议"]),
    (AgreementStatus::Draft, &["DRAFT", "草拟", "起草中"]),
    (AgreementStatus::InEffect, &["IN_EFFECT", "生效", "有效"]),
    (AgreementStatus::Expired, &["EXPIRED", "已到期", "过期"]),
    (AgreementStatus::Renewed, &["RENEWED", "已续签"]),
    (
        AgreementStatus::Terminated,
        &["TERMINATED", "已终止", "终止"],
    ),
    (AgreementStatus::Withdrawn, &["WITHDRAWN", "已撤回"]),
];

/// A partner a row names: one in the registry, or one this import creates (its index
/// among the file's new organisations).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PartnerRef {
    Known(i64),
    New(usize),
}

pub(super) enum AgreementWrite {
    Create(Box<AgreementInput>),
    /// The agreement, its version, the patch, the parties when they change, and the
    /// people when they change (those in the roles the row names, and those roles).
    Update(
        i64,
        i32,
        Box<AgreementPatch>,
        Option<Vec<(PartnerRef, PartyRole)>>,
        Option<AgreementPeople>,
    ),
    Nothing,
}

/// The signatories or witnesses (or both) a row names for an agreement, and the roles
/// it names them in: the agreement's people in other roles stay.
pub(super) type AgreementPeople = (
    Vec<PersonLink<AgreementPersonRole>>,
    Vec<AgreementPersonRole>,
);

/// How a row's organisations were found, for the report.
pub(super) fn outcomes(refs: &[PartnerRef]) -> Vec<PartnerOutcome> {
    refs.iter()
        .map(|r| match r {
            PartnerRef::Known(id) => PartnerOutcome {
                status: RowStatus::Matched,
                id: Some(*id),
            },
            PartnerRef::New(_) => PartnerOutcome {
                status: RowStatus::New,
                id: None,
            },
        })
        .collect()
}

/// What an agreement row writes: the organisations it is the first to name, then the
/// agreement.
pub(super) struct AgreementPlan {
    pub create: Vec<(usize, Box<OrganisationInput>)>,
    pub create_people: Vec<(usize, Box<PersonInput>)>,
    pub partners: Vec<PartnerRef>,
    pub people: Vec<PersonLink<AgreementPersonRole>>,
    pub write: AgreementWrite,
}

/// The agreements the caller may read, live, by id and by (owner, title, signed-on),
/// with their parties in order.
pub(super) struct Agreements {
    by_id: HashMap<i64, agreement::Model>,
    by_key: HashMap<(i64, NameKey, Option<NaiveDate>), Vec<i64>>,
    parties: HashMap<i64, Vec<agreement_party::Model>>,
    /// Each agreement's people: (person, role, organisation).
    people: HashMap<i64, Vec<(i64, AgreementPersonRole, Option<i64>)>>,
}

impl Scope {
    /// Three statements whatever the number of agreements: the agreements, their
    /// parties and their people.
    pub(super) async fn readable_agreements(
        &self,
        txn: &DatabaseTransaction,
    ) -> Result<Agreements> {
        let rows = self
            .find::<agreement::Entity>()
            .filter(agreement::Column::ArchivedAt.is_null())
            .order_by_asc(agreement::Column::Id)
            .all(txn)
            .await?;
        let mut out = Agreements {
            by_id: HashMap::new(),
            by_key: HashMap::new(),
            parties: HashMap::new(),
            people: HashMap::new(),
        };
        for a in rows {
            out.by_key
                .entry((a.owner_id, NameKey::of(&a.title), a.signed_on))
                .or_default()
                .push(a.id);
            out.by_id.insert(a.id, a);
        }
        if !out.by_id.is_empty() {
            let parties = agreement_party::Entity::find()
                .filter(
                    agreement_party::Column::AgreementId.in_subquery(
                        self.find::<agreement::Entity>()
                            .select_only()
                            .column(agreement::Column::Id)
                            .filter(agreement::Column::ArchivedAt.is_null())
                            .into_query(),
                    ),
                )
                .order_by_asc(agreement_party::Column::AgreementId)
                .order_by_asc(agreement_party::Column::Position)
                .all(txn)
                .await?;
            for p in parties {
                out.parties.entry(p.agreement_id).or_default().push(p);
            }
            let people = agreement_person::Entity::find()
                .filter(
                    agreement_person::Column::AgreementId.in_subquery(
                        self.find::<agreement::Entity>()
                            .select_only()
                            .column(agreement::Column::Id)
                            .filter(agreement::Column::ArchivedAt.is_null())
                            .into_query(),
                    ),
                )
                .order_by_asc(agreement_person::Column::AgreementId)
                .order_by_asc(agreement_person::Column::Position)
                .all(txn)
                .await?;
            for p in people {
                out.people.entry(p.agreement_id).or_default().push((
                    p.person_id,
                    p.role,
                    p.organisation_id,
                ));
            }
        }
        Ok(out)
    }
}

impl Context<'_> {
    /// The organisations a row's `column` names (`;` between several): by global id or
    /// name, in the registry or among the organisations the file creates; new ones
    /// (of the kind and country its `country` and `kind` columns say) are planned.
    pub(super) fn organisations_named(
        &mut self,
        cells: &Cells,
        line: &mut RowReport,
        new_orgs: &mut Vec<String>,
        create: &mut Vec<(usize, Box<OrganisationInput>)>,
        [column, country_column, kind_column]: [&'static str; 3],
    ) -> Checked<Option<Vec<PartnerRef>>> {
        let Some(cell) = cells.get(column) else {
            return Ok(None);
        };
        let country = match cells.get(country_column) {
            None => None,
            Some(v) => Some(self.countries.code(v).ok_or_else(|| {
                Invalid(
                    country_column,
                    format!("`{v}` is not a country or region Concord knows (write its ISO code, e.g. GB)"),
                )
            })?),
        };
        let kind = choice(cells, kind_column, ORGANISATION_KINDS)?;
        let mut refs = Vec::new();
        for name in cell
            .split([';', '；', '\n'])
            .map(str::trim)
            .filter(|p| !p.is_empty())
        {
            let found = (self.decode_id)(RecordKind::Organisation, name)
                .filter(|k| self.registry.records.contains_key(k));
            let r = match found {
                Some(id) => PartnerRef::Known(id),
                None => match self
                    .registry
                    .by_names(&[name], country.as_deref())
                    .as_slice()
                {
                    [id] => PartnerRef::Known(*id),
                    [] => match self.registry.pending(&[name]) {
                        Some(n) => PartnerRef::New(n as usize),
                        None => {
                            crate::domain::Text::parse(column, name, TITLE_MAX)
                                .map_err(|e| Invalid::from((column, e)))?;
                            let n = new_orgs.len();
                            new_orgs.push(name.to_owned());
                            self.registry.will_create(&[name], n as i64);
                            create.push((
                                n,
                                Box::new(OrganisationInput {
                                    kind: kind.unwrap_or(OrganisationKind::University),
                                    parent: None,
                                    name_en: name.to_owned(),
                                    name_zh: None,
                                    abbreviation: None,
                                    country: country.clone(),
                                    city: None,
                                    address: None,
                                    website: None,
                                    ror_id: None,
                                    source: None,
                                    names: Vec::new(),
                                    identifiers: Vec::new(),
                                    idempotency_key: None,
                                }),
                            ));
                            PartnerRef::New(n)
                        }
                    },
                    several => {
                        line.status = RowStatus::Ambiguous;
                        line.candidates = self.candidates(several);
                        line.column = Some(column.into());
                        line.reason = Some(format!(
                            "more than one organisation in the registry is called `{name}`: write its id"
                        ));
                        return Ok(Some(Vec::new()));
                    }
                },
            };
            if !refs.contains(&r) {
                refs.push(r);
            }
        }
        Ok(Some(refs))
    }

    pub(super) fn agreement_row(
        &mut self,
        cells: &Cells,
        line: &mut RowReport,
        seen: &mut HashMap<String, usize>,
        new_orgs: &mut Vec<String>,
        agreements: &Agreements,
    ) -> Checked<Option<AgreementPlan>> {
        let principal = self.scope.principal();
        let named_owner = self.named_organisation(cells, "owner")?;
        let existing = match cells.get("id") {
            None => None,
            Some(v) => Some(
                (self.decode_id)(RecordKind::Agreement, v)
                    .and_then(|k| agreements.by_id.get(&k))
                    .ok_or_else(|| Invalid("id", format!("no agreement has the id `{v}`")))?,
            ),
        };
        let owner = match (existing, named_owner) {
            (Some(a), None) => a.owner_id,
            _ => owner_of_new(principal, named_owner).map_err(|e| Invalid("owner", e.message()))?,
        };
        may_write(principal, owner).map_err(|e| Invalid("owner", e.message()))?;
        let title = text(cells, "title", TITLE_MAX)?;
        let kind = choice(cells, "kind", AGREEMENT_KINDS)?;
        let status = choice(cells, "status", AGREEMENT_STATUSES)?;
        let signed_on = date(cells, "signedOn")?;
        let valid_from = date(cells, "validFrom")?;
        let valid_to = date(cells, "validTo")?;
        let visibility = choice(cells, "visibility", VISIBILITIES)?;
        let mut create = Vec::new();
        let partners = self.organisations_named(
            cells,
            line,
            new_orgs,
            &mut create,
            ["partner", "partnerCountry", "partnerKind"],
        )?;
        if line.status == RowStatus::Ambiguous {
            return Ok(None);
        }
        let mut create_people = Vec::new();
        let mut people = Vec::new();
        let mut roles = Vec::new();
        for (column, role) in AGREEMENT_PEOPLE {
            if let Some(links) =
                self.people_named(cells, line, column, &mut create_people, fixed_role(role))?
            {
                if line.status == RowStatus::Ambiguous {
                    return Ok(None);
                }
                roles.push((column, role));
                people.extend(links);
            }
        }
        if partners
            .as_ref()
            .is_some_and(|p| p.contains(&PartnerRef::Known(owner)))
        {
            return Err(Invalid(
                "partner",
                "the owner is a party already: name only its partners".into(),
            ));
        }
        // The agreement: by its id, or the owner's with this title signed that day.
        let matched: Vec<&agreement::Model> = match existing {
            Some(a) => vec![a],
            None => {
                let Some(t) = &title else {
                    return Err(Invalid("title", "an agreement needs a title".into()));
                };
                agreements
                    .by_key
                    .get(&(owner, NameKey::of(t), signed_on))
                    .map(|ids| ids.iter().map(|id| &agreements.by_id[id]).collect())
                    .unwrap_or_default()
            }
        };
        let key = match matched.as_slice() {
            [a] => format!("a{}", a.id),
            _ => format!(
                "{owner} {:?} {signed_on:?}",
                NameKey::of(title.as_deref().unwrap_or(""))
            ),
        };
        if let Some(first) = seen.insert(key, line.line) {
            return Err(Invalid(
                "title",
                format!("the same agreement as line {first}"),
            ));
        }
        let today = self.scope.today();
        let write = match matched.as_slice() {
            [] => {
                let status = status.unwrap_or(match valid_to {
                    Some(t) if t < today => AgreementStatus::Expired,
                    _ if signed_on.is_some() => AgreementStatus::InEffect,
                    _ => AgreementStatus::Draft,
                });
                DateSpan::parse("validTo", valid_from, valid_to)
                    .and_then(|s| s.check_in_effect("validTo", status, today))
                    .map_err(|e| Invalid::from(("validTo", e)))?;
                line.status = RowStatus::New;
                AgreementWrite::Create(Box::new(AgreementInput {
                    owner: Some(owner),
                    visibility,
                    kind: kind.unwrap_or(AgreementKind::Mou),
                    status,
                    title: title.expect("checked above"),
                    description: None,
                    signed_on,
                    valid_from,
                    valid_to,
                    signed_at: None,
                    renewal_of: None,
                    source: None,
                    fields: Vec::new(),
                    parties: Vec::new(),
                    people: Vec::new(),
                    translations: Vec::new(),
                    idempotency_key: None,
                }))
            }
            [a] => {
                line.status = RowStatus::Matched;
                line.record = Some((RecordKind::Agreement, a.id));
                let mut patch = AgreementPatch::default();
                if let Some(t) = &title
                    && *t != a.title
                {
                    patch.title = Some(t.clone());
                    line.changes.push("title");
                }
                if let Some(k) = kind
                    && k != a.kind
                {
                    patch.kind = Some(k);
                    line.changes.push("kind");
                }
                if let Some(s) = status
                    && s != a.status
                {
                    domain::agreement_transition("status", a.status, s)
                        .map_err(|e| Invalid::from(("status", e)))?;
                    patch.status = Some(s);
                    line.changes.push("status");
                }
                if signed_on.is_some() && signed_on != a.signed_on {
                    patch.signed_on = Some(signed_on);
                    line.changes.push("signedOn");
                }
                if valid_from.is_some() && valid_from != a.valid_from {
                    patch.valid_from = Some(valid_from);
                    line.changes.push("validFrom");
                }
                if valid_to.is_some() && valid_to != a.valid_to {
                    patch.valid_to = Some(valid_to);
                    line.changes.push("validTo");
                }
                if let Some(v) = visibility
                    && v != a.visibility
                {
                    patch.visibility = Some(v);
                    line.changes.push("visibility");
                }
                let stored = agreements
                    .parties
                    .get(&a.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let parties = partners.as_ref().and_then(|refs| {
                    let theirs: Vec<PartnerRef> = stored
                        .iter()
                        .filter(|p| p.organisation_id != a.owner_id)
                        .map(|p| PartnerRef::Known(p.organisation_id))
                        .collect();
                    let same =
                        theirs.len() == refs.len() && refs.iter().all(|r| theirs.contains(r));
                    if same {
                        return None;
                    }
                    // The owner and the partners still named keep their roles; new ones are parties.
                    let mut list: Vec<(PartnerRef, PartyRole)> = stored
                        .iter()
                        .filter(|p| {
                            p.organisation_id == a.owner_id
                                || refs.contains(&PartnerRef::Known(p.organisation_id))
                        })
                        .map(|p| (PartnerRef::Known(p.organisation_id), p.role))
                        .collect();
                    for r in refs {
                        if !list.iter().any(|(x, _)| x == r) {
                            list.push((*r, PartyRole::Party));
                        }
                    }
                    Some(list)
                });
                if parties.is_some() {
                    line.changes.push("partner");
                }
                let stored = agreements
                    .people
                    .get(&a.id)
                    .map(Vec::as_slice)
                    .unwrap_or_default();
                let mut people_change = None;
                for (column, role) in &roles {
                    let named: Vec<PersonLink<AgreementPersonRole>> =
                        people.iter().filter(|l| l.role == *role).copied().collect();
                    if !same_people(&named, stored, &[*role]) {
                        line.changes.push(column);
                        people_change = Some((
                            people.clone(),
                            roles.iter().map(|(_, r)| *r).collect::<Vec<_>>(),
                        ));
                    }
                }
                if line.changes.is_empty() {
                    AgreementWrite::Nothing
                } else {
                    agreement::Entity::may_change(principal, a)
                        .map_err(|e| Invalid(line.changes[0], e.message()))?;
                    let s = status.unwrap_or(a.status);
                    DateSpan::parse(
                        "validTo",
                        valid_from.or(a.valid_from),
                        valid_to.or(a.valid_to),
                    )
                    .and_then(|span| span.check_in_effect("validTo", s, today))
                    .map_err(|e| Invalid::from(("validTo", e)))?;
                    AgreementWrite::Update(a.id, a.version, Box::new(patch), parties, people_change)
                }
            }
            several => {
                line.status = RowStatus::Ambiguous;
                line.reason = Some(
                    "the owner has several agreements with this title signed that day: add an id column"
                        .into(),
                );
                line.candidates = several
                    .iter()
                    .map(|a| Candidate {
                        kind: RecordKind::Agreement,
                        id: a.id,
                        name: a.title.clone(),
                        country: None,
                    })
                    .collect();
                return Ok(None);
            }
        };
        let partners = partners.unwrap_or_default();
        line.partners = outcomes(&partners);
        line.people = super::people::outcomes(&people);
        Ok(Some(AgreementPlan {
            create,
            create_people,
            partners,
            people,
            write,
        }))
    }
}

/// The parties of a new agreement: its owner, then the partners.
pub(super) fn parties_of(owner: i64, partners: &[i64]) -> Vec<PartyInput> {
    std::iter::once(owner)
        .chain(partners.iter().copied())
        .map(|organisation| PartyInput {
            organisation,
            role: PartyRole::Party,
        })
        .collect()
}
