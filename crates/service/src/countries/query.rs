//! The countries and regions list (ISO 3166-1 reference data).
use entity::country;
use sea_orm::{ColumnTrait, Condition, QueryFilter};

use crate::Scope;
use crate::query::{Direction, RootList, all_of, one_of, text_match};

#[derive(Debug, Clone, Default)]
pub struct CountryFilter {
    /// Substring of the English or Chinese name, or the code.
    pub search: Option<String>,
    pub codes: Option<Vec<String>>,
    /// Only regions (Hong Kong, Macao, Taiwan, territories) or only sovereign states.
    pub is_region: Option<bool>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum CountryOrderField {
    #[default]
    Code,
    NameEn,
}

pub fn select(
    scope: &Scope,
    filter: &CountryFilter,
    field: CountryOrderField,
    direction: Direction,
) -> RootList<country::Entity> {
    use country::Column as C;
    let condition = all_of([
        filter
            .search
            .as_deref()
            .map(|s| text_match(s, [C::NameEn, C::NameZh, C::Code])),
        one_of(C::Code, &filter.codes),
        filter
            .is_region
            .map(|r| Condition::all().add(C::IsRegion.eq(r))),
    ]);
    let column = match field {
        CountryOrderField::Code => C::Code,
        CountryOrderField::NameEn => C::NameEn,
    };
    RootList::new(scope.find::<country::Entity>().filter(condition))
        .by(column, direction)
        .by(C::Code, direction)
}
