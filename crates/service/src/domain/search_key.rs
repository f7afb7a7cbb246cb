//! The form in which registry names are stored for search and compared for duplicates:
//! what a user types and what the registry holds meet here. The search table, the
//! duplicate check and the importer all fold through [`SearchKey::of`].
use unicode_normalization::UnicodeNormalization;
use unicode_normalization::char::is_combining_mark;

/// At most this many word starts of one name are indexed (longer names are rare; the
/// rest of such a name is still found by "contains").
const WORDS_MAX: usize = 16;

/// A name folded for comparison: compatibility-decomposed (NFKD, which also turns
/// full-width Latin letters, digits and the ideographic space into their ASCII forms),
/// accents and other combining marks dropped, lower case, apostrophes and dots removed
/// ("King's" = "Kings", "U.S." = "US"), every other run of punctuation, symbols and
/// whitespace one space, no space at either end.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub struct SearchKey(String);

impl SearchKey {
    /// Folds `text`. Never fails: text with no letters or digits folds to the empty key.
    pub fn of(text: &str) -> SearchKey {
        let mut out = String::with_capacity(text.len());
        // Whether a separator is owed before the next letter or digit.
        let mut gap = false;
        for c in text.nfkd() {
            if is_combining_mark(c) || is_dropped(c) {
                continue;
            }
            if !c.is_alphanumeric() {
                gap = true;
                continue;
            }
            for lower in c.to_lowercase() {
                // `İ` lowers to `i` and a combining dot; the dot goes like any other mark.
                if is_combining_mark(lower) {
                    continue;
                }
                if gap && !out.is_empty() {
                    out.push(' ');
                }
                gap = false;
                match fold_letter(lower) {
                    Some(folded) => out.push_str(folded),
                    None => out.push(lower),
                }
            }
        }
        SearchKey(out)
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    pub fn into_string(self) -> String {
        self.0
    }

    pub fn is_empty(&self) -> bool {
        self.0.is_empty()
    }

    /// The key from each later word's start to its end: "universidade de sao paulo"
    /// gives "de sao paulo", "sao paulo" and "paulo", so that a search for a word (or
    /// words) inside a name is a prefix of one of these, found in an index. Chinese,
    /// Japanese and Korean characters are written without spaces, so each of them
    /// starts a word.
    pub fn word_suffixes(&self) -> Vec<&str> {
        let mut starts = Vec::new();
        let mut previous: Option<char> = None;
        for (at, c) in self.0.char_indices() {
            let starts_word = match previous {
                None => false,
                Some(p) => c != ' ' && (p == ' ' || is_cjk(c) || is_cjk(p)),
            };
            if starts_word {
                starts.push(at);
            }
            previous = Some(c);
        }
        starts.truncate(WORDS_MAX);
        starts.into_iter().map(|at| &self.0[at..]).collect()
    }
}

impl std::fmt::Display for SearchKey {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.0)
    }
}

/// Apostrophes and dots join what they stand between instead of separating it.
fn is_dropped(c: char) -> bool {
    matches!(
        c,
        '\'' | '\u{2018}' | '\u{2019}' | '\u{02BC}' | '\u{0060}' | '\u{00B4}' | '\u{2032}' | '.'
    )
}

/// Latin letters that have no decomposition to a base letter, so NFKD leaves them.
fn fold_letter(c: char) -> Option<&'static str> {
    Some(match c {
        'ø' => "o",
        'æ' => "ae",
        'œ' => "oe",
        'ß' => "ss",
        'đ' | 'ð' => "d",
        'ł' => "l",
        'þ' => "th",
        'ı' => "i",
        'ħ' => "h",
        _ => return None,
    })
}

/// Han ideographs, kana and Hangul: scripts written without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF      // Hiragana, Katakana
        | 0x3400..=0x4DBF    // CJK Extension A
        | 0x4E00..=0x9FFF    // CJK Unified Ideographs
        | 0xAC00..=0xD7AF    // Hangul syllables
        | 0xF900..=0xFAFF    // CJK compatibility ideographs
        | 0x20000..=0x3134F) // CJK Extensions B–G
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    fn key(s: &str) -> String {
        SearchKey::of(s).into_string()
    }

    #[test]
    fn what_users_type_meets_what_the_registry_holds() {
        for (typed, held) in [
            ("Sao Paulo", "São Paulo"),
            ("Kings College London", "King’s College London"),
            ("kings college", "King's College"),
            ("HKU", "ＨＫＵ"),
            ("university of hong kong", "University  of\tHong-Kong"),
            ("香港大学", "香港大学"),
            ("南方科技大学", "南方科技大學 ".replace('學', "学").as_str()),
            ("Zurich", "ZÜRICH"),
            ("Universite de Montreal", "Université de Montréal"),
            ("Kobenhavns Universitet", "Københavns Universitet"),
            (
                "Technische Universitat Munchen",
                "Technische Universität München",
            ),
            ("Strasse", "Straße"),
            ("Lodz", "Łódź"),
            ("SUSTech", "S.U.S.Tech"),
            ("Peking University", "Ｐｅｋｉｎｇ　Ｕｎｉｖｅｒｓｉｔｙ"),
            ("abc 123", "ａｂｃ（１２３）"),
        ] {
            assert_eq!(key(typed), key(held), "{typed:?} vs {held:?}");
        }
        assert_eq!(key("  King's College, London!  "), "kings college london");
        assert_eq!(
            key("Universidade de São Paulo"),
            "universidade de sao paulo"
        );
        assert_eq!(key("香港大学（HKU）"), "香港大学 hku");
        assert_eq!(key("!!! --- ..."), "");
    }

    #[test]
    fn names_differing_in_letters_stay_apart() {
        for (a, b) in [
            ("Hong Kong", "Hongkong"),
            ("Kings College", "Queens College"),
            ("香港大学", "香港中文大学"),
        ] {
            assert_ne!(key(a), key(b));
        }
    }

    #[test]
    fn words_start_after_spaces_and_at_each_ideograph() {
        let k = SearchKey::of("Universidade de São Paulo");
        assert_eq!(k.word_suffixes(), ["de sao paulo", "sao paulo", "paulo"]);
        let k = SearchKey::of("香港大学");
        assert_eq!(k.word_suffixes(), ["港大学", "大学", "学"]);
        let k = SearchKey::of("HKU香港");
        assert_eq!(k.word_suffixes(), ["香港", "港"]);
        assert!(SearchKey::of("SUSTech").word_suffixes().is_empty());
        let long = "a ".repeat(40);
        assert_eq!(SearchKey::of(&long).word_suffixes().len(), WORDS_MAX);
    }

    /// Full-width forms of the printable ASCII characters (and the ideographic space).
    fn full_width(s: &str) -> String {
        s.chars()
            .map(|c| match c {
                ' ' => '\u{3000}',
                '!'..='~' => char::from_u32(c as u32 + 0xFEE0).unwrap(),
                c => c,
            })
            .collect()
    }

    proptest! {
        #[test]
        fn folding_twice_changes_nothing(s in "\\PC{0,40}") {
            let once = key(&s);
            prop_assert_eq!(key(&once), once);
        }

        #[test]
        fn keys_are_lower_case_single_spaced_and_trimmed(s in "\\PC{0,40}") {
            let k = key(&s);
            prop_assert_eq!(k.to_lowercase(), k.clone());
            prop_assert!(!k.starts_with(' ') && !k.ends_with(' '));
            prop_assert!(!k.contains("  "));
            prop_assert!(!k.chars().any(is_combining_mark));
            prop_assert!(k.chars().all(|c| c == ' ' || c.is_alphanumeric()));
        }

        #[test]
        fn full_width_input_folds_to_ascii(s in "[ -~]{0,30}") {
            prop_assert_eq!(key(&full_width(&s)), key(&s));
        }

        #[test]
        fn accents_and_case_do_not_matter(s in "[a-zA-Z ]{0,30}") {
            let accented: String = s.chars().flat_map(|c| [c, '\u{0301}']).collect();
            prop_assert_eq!(key(&accented), key(&s.to_uppercase()));
        }

        #[test]
        fn every_word_suffix_ends_the_key(s in "\\PC{0,40}") {
            let k = SearchKey::of(&s);
            for suffix in k.word_suffixes() {
                prop_assert!(k.as_str().ends_with(suffix));
                prop_assert!(!suffix.is_empty() && !suffix.starts_with(' '));
            }
        }
    }
}
