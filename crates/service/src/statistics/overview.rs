//! The consortium overview: each member's headline figures, the places reached across
//! the consortium, the most connected foreign partners, and where each standard was
//! adopted. A fixed number of statements, however many members or records.
use std::collections::HashMap;

use entity::enums::IndicatorCode;
use entity::{adoption, agreement_party, curriculum_standard, organisation, partnership};
use sea_orm::sea_query::{Alias, Expr, ExprTrait, Order, Query, UnionType};
use sea_orm::{ColumnTrait, JoinType, Statement};

use super::{BreakdownRow, Dimension, Figure, Frame, SUBJECT_TREE, union_all};
use crate::{Record, Result, Scope};

/// The figures the overview shows for each member.
pub const HEADLINE: [IndicatorCode; 5] = [
    IndicatorCode::PartnerInstitutions,
    IndicatorCode::PartnerCountriesAndRegions,
    IndicatorCode::AgreementsInEffect,
    IndicatorCode::CurriculumStandardsDeveloped,
    IndicatorCode::TrainingCentresAbroad,
];

/// A member and its headline figures.
#[derive(Debug, Clone)]
pub struct MemberFigures {
    pub member: i64,
    pub figures: Vec<Figure>,
}

/// A foreign partner and how many members (and agreements in effect, and live
/// partnerships) it is linked by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConnectedPartner {
    pub organisation: i64,
    pub members: u64,
    pub agreements: u64,
    pub partnerships: u64,
}

/// How many adoptions (by the as-of day) a standard has in one country or region.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StandardCountry {
    pub standard: i64,
    pub country: String,
    pub adoptions: u64,
}

/// The consortium overview.
#[derive(Debug, Clone)]
pub struct Overview {
    pub members: Vec<MemberFigures>,
    /// Partner institutions by country or region, each partner counted once however
    /// many members it works with.
    pub countries: Vec<BreakdownRow>,
    pub partners: Vec<ConnectedPartner>,
    pub adoptions: Vec<StandardCountry>,
}

impl Scope {
    /// The overview of `frame`'s subject: `partners` most connected foreign partners
    /// and the adoptions of the `standards` most widely adopted standards.
    pub async fn overview(&self, frame: &Frame, partners: u64, standards: u64) -> Result<Overview> {
        let members = self.member_figures(frame).await?;
        let countries = self
            .breakdown(
                frame,
                IndicatorCode::PartnerInstitutions,
                Dimension::Country,
            )
            .await?;
        let partners = self.connected_partners(frame, partners).await?;
        let adoptions = self.standard_countries(frame, standards).await?;
        Ok(Overview {
            members,
            countries,
            partners,
            adoptions,
        })
    }

    /// Every member's headline figures in one statement.
    async fn member_figures(&self, frame: &Frame) -> Result<Vec<MemberFigures>> {
        let members = frame.members();
        let mut arms = Vec::new();
        for member in &members {
            let organisations = frame.organisations_of(*member);
            for (i, code) in HEADLINE.iter().enumerate() {
                let mut count = self
                    .statistics_records(frame, *code, &organisations, None)
                    .count_query();
                count
                    .expr_as(Expr::val(*member), "member")
                    .expr_as(Expr::val(i as i64), "figure");
                arms.push(count);
            }
        }
        let mut values: HashMap<(i64, i64), u64> = HashMap::new();
        if let Some(query) = union_all(arms) {
            for row in self.rows(&query).await? {
                let member: i64 = row.try_get("", "member")?;
                let figure: i64 = row.try_get("", "figure")?;
                values.insert((member, figure), row.try_get::<i64>("", "value")? as u64);
            }
        }
        Ok(members
            .into_iter()
            .map(|member| MemberFigures {
                member,
                figures: HEADLINE
                    .iter()
                    .enumerate()
                    .map(|(i, code)| Figure {
                        code: *code,
                        value: values.get(&(member, i as i64)).copied().unwrap_or(0),
                    })
                    .collect(),
            })
            .collect())
    }

    /// Foreign partners (based in another country than the member they work with) by
    /// how many members work with them, through an agreement in effect or a live
    /// partnership (the partners `PARTNER_INSTITUTIONS` counts), then how many such
    /// agreements and partnerships; the members' units count as the member (the
    /// recursive query).
    async fn connected_partners(&self, frame: &Frame, limit: u64) -> Result<Vec<ConnectedPartner>> {
        let all = frame.organisations();
        let p = self.principal();
        let (partner, own, member, partner_org, links, tree) = (
            Alias::new("partner"),
            Alias::new("own"),
            Alias::new("member"),
            Alias::new("partner_org"),
            Alias::new("links"),
            Alias::new(SUBJECT_TREE),
        );
        let by_agreement = Query::select()
            .expr_as(Expr::col((tree.clone(), Alias::new("root"))), "root")
            .expr_as(
                Expr::col((partner.clone(), agreement_party::Column::OrganisationId)),
                "partner",
            )
            .expr_as(
                Expr::col((partner.clone(), agreement_party::Column::AgreementId)),
                "agreement",
            )
            .expr_as(Expr::cust("CAST(NULL AS BIGINT)"), "partnership")
            .from_as(agreement_party::Entity, partner.clone())
            .join_as(
                JoinType::InnerJoin,
                agreement_party::Entity,
                own.clone(),
                Expr::col((own.clone(), agreement_party::Column::AgreementId))
                    .equals((partner.clone(), agreement_party::Column::AgreementId)),
            )
            .join(
                JoinType::InnerJoin,
                tree.clone(),
                Expr::col((tree.clone(), Alias::new("org")))
                    .equals((own.clone(), agreement_party::Column::OrganisationId)),
            )
            .and_where(
                Expr::col((partner.clone(), agreement_party::Column::AgreementId))
                    .in_subquery(super::define::agreements_of(p, frame, &all)),
            )
            .and_where(
                Expr::col((partner.clone(), agreement_party::Column::OrganisationId))
                    .is_not_in(all.iter().copied()),
            )
            .to_owned();
        let by_partnership = super::define::live_partnerships(p, frame, &all)
            .expr_as(Expr::col((tree.clone(), Alias::new("root"))), "root")
            .expr_as(
                Expr::col((partnership::Entity, partnership::Column::PartnerId)),
                "partner",
            )
            .expr_as(Expr::cust("CAST(NULL AS BIGINT)"), "agreement")
            .expr_as(
                Expr::col((partnership::Entity, partnership::Column::Id)),
                "partnership",
            )
            .join(
                JoinType::InnerJoin,
                tree.clone(),
                Expr::col((tree.clone(), Alias::new("org")))
                    .equals((partnership::Entity, partnership::Column::MemberId)),
            )
            .to_owned();
        let mut both = by_agreement;
        both.union(UnionType::All, by_partnership);
        let query = Query::select()
            .expr_as(Expr::col((links.clone(), Alias::new("partner"))), "partner")
            .expr_as(Expr::cust("COUNT(DISTINCT \"links\".\"root\")"), "members")
            .expr_as(
                Expr::cust("COUNT(DISTINCT \"links\".\"agreement\")"),
                "agreements",
            )
            .expr_as(
                Expr::cust("COUNT(DISTINCT \"links\".\"partnership\")"),
                "partnerships",
            )
            .from_subquery(both, links.clone())
            .join_as(
                JoinType::InnerJoin,
                organisation::Entity,
                member.clone(),
                Expr::col((member.clone(), organisation::Column::Id))
                    .equals((links.clone(), Alias::new("root"))),
            )
            .join_as(
                JoinType::InnerJoin,
                organisation::Entity,
                partner_org.clone(),
                Expr::col((partner_org.clone(), organisation::Column::Id))
                    .equals((links.clone(), Alias::new("partner"))),
            )
            .and_where(Expr::col((partner_org.clone(), organisation::Column::ArchivedAt)).is_null())
            .and_where(
                Expr::col((partner_org.clone(), organisation::Column::CountryCode)).ne(Expr::col(
                    (member.clone(), organisation::Column::CountryCode),
                )),
            )
            .add_group_by([Expr::col((links.clone(), Alias::new("partner")))])
            .order_by("members", Order::Desc)
            .order_by("agreements", Order::Desc)
            .order_by("partnerships", Order::Desc)
            .order_by("partner", Order::Asc)
            .limit(limit)
            .to_owned();
        // The members' trees as a recursive query in front of the statement, its anchor
        // the members' keys written into the text (numbers, from the frame).
        let backend = self.db().get_database_backend();
        let built = backend.build(&query);
        let members: Vec<String> = frame.members().iter().map(i64::to_string).collect();
        let anchor = if members.is_empty() {
            "SELECT \"id\", \"id\" FROM \"organisation\" WHERE 1 = 0".to_owned()
        } else {
            format!(
                "SELECT \"id\", \"id\" FROM \"organisation\" WHERE \"id\" IN ({})",
                members.join(", ")
            )
        };
        let sql = format!(
            "WITH RECURSIVE \"{t}\" (\"root\", \"org\") AS ({anchor} UNION \
             SELECT \"{t}\".\"root\", \"organisation\".\"id\" FROM \"organisation\" \
             INNER JOIN \"{t}\" ON \"organisation\".\"parent_id\" = \"{t}\".\"org\") {}",
            built.sql,
            t = SUBJECT_TREE,
        );
        let statement = Statement {
            sql,
            values: built.values,
            db_backend: backend,
        };
        let mut out = Vec::new();
        for row in self.rows_of(statement).await? {
            out.push(ConnectedPartner {
                organisation: row.try_get("", "partner")?,
                members: row.try_get::<i64>("", "members")? as u64,
                agreements: row.try_get::<i64>("", "agreements")? as u64,
                partnerships: row.try_get::<i64>("", "partnerships")? as u64,
            });
        }
        Ok(out)
    }

    /// Adoptions by country of the `limit` standards the subject developed that were
    /// adopted in the most countries by the as-of day.
    async fn standard_countries(&self, frame: &Frame, limit: u64) -> Result<Vec<StandardCountry>> {
        let all = frame.organisations();
        let adoptions = || {
            Query::select()
                .from(adoption::Entity)
                .join(
                    JoinType::InnerJoin,
                    curriculum_standard::Entity,
                    Expr::col((curriculum_standard::Entity, curriculum_standard::Column::Id))
                        .equals((adoption::Entity, adoption::Column::StandardId)),
                )
                .cond_where(curriculum_standard::Entity::readable_by(self.principal()))
                .cond_where(curriculum_standard::Entity::live())
                .and_where(curriculum_standard::Column::DeveloperId.is_in(all.iter().copied()))
                .cond_where(
                    sea_orm::Condition::any()
                        .add(adoption::Column::AdoptedOn.is_null())
                        .add(adoption::Column::AdoptedOn.lte(frame.as_of)),
                )
                .to_owned()
        };
        let top = adoptions()
            .column((adoption::Entity, adoption::Column::StandardId))
            .add_group_by([Expr::col((adoption::Entity, adoption::Column::StandardId))])
            .order_by_expr(
                Expr::cust("COUNT(DISTINCT \"adoption\".\"country_code\")"),
                Order::Desc,
            )
            .order_by((adoption::Entity, adoption::Column::StandardId), Order::Asc)
            .limit(limit)
            .to_owned();
        // The ranked keys as a derived table: SQLite and PostgreSQL both take a LIMIT
        // there.
        let top = Query::select()
            .column(("top", adoption::Column::StandardId))
            .from_subquery(top, "top")
            .to_owned();
        let query = adoptions()
            .column((adoption::Entity, adoption::Column::StandardId))
            .column((adoption::Entity, adoption::Column::CountryCode))
            .expr_as(Expr::cust("COUNT(*)"), "adoptions")
            .and_where(Expr::col((adoption::Entity, adoption::Column::StandardId)).in_subquery(top))
            .add_group_by([
                Expr::col((adoption::Entity, adoption::Column::StandardId)),
                Expr::col((adoption::Entity, adoption::Column::CountryCode)),
            ])
            .order_by((adoption::Entity, adoption::Column::StandardId), Order::Asc)
            .order_by(
                (adoption::Entity, adoption::Column::CountryCode),
                Order::Asc,
            )
            .to_owned();
        let mut out = Vec::new();
        for row in self.rows(&query).await? {
            let country: String = row.try_get("", "country_code")?;
            out.push(StandardCountry {
                standard: row.try_get("", "standard_id")?,
                country: country.trim().to_owned(),
                adoptions: row.try_get::<i64>("", "adoptions")? as u64,
            });
        }
        Ok(out)
    }
}
