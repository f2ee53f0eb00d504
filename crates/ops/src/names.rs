//! The names serde gives an enum's variants, read back from its own
//! `Deserialize`: asked for a variant that does not exist, a derived
//! deserializer reports the list of those that do (`unknown_variant`), and
//! an error type that keeps that list is all it takes to read it. So a list
//! of kinds is never written out beside the enum it lists.

use std::fmt;

use serde::de::value::{MapDeserializer, StrDeserializer};
use serde::de::{self, DeserializeOwned};

/// The error that keeps the variant list a deserializer reports.
#[derive(Debug)]
struct Variants(Option<&'static [&'static str]>);

impl fmt::Display for Variants {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("variant names")
    }
}

impl std::error::Error for Variants {}

impl de::Error for Variants {
    fn custom<T: fmt::Display>(_: T) -> Self {
        Variants(None)
    }

    fn unknown_variant(_: &str, expected: &'static [&'static str]) -> Self {
        Variants(Some(expected))
    }
}

/// A name no enum of this crate uses.
const NO_SUCH_VARIANT: &str = "\u{0}";

/// The serde names of `T`'s variants, in declaration order: for a plain
/// enum (`"ied"`) or one internally tagged by `kind` (`{"kind": "site_closed", ...}`).
/// Panics if `T` is neither (a programming error, found by the tests).
pub fn variants<T: DeserializeOwned>() -> &'static [&'static str] {
    let plain = T::deserialize(StrDeserializer::<Variants>::new(NO_SUCH_VARIANT)).err();
    let tagged =
        || T::deserialize(MapDeserializer::<_, Variants>::new(std::iter::once(("kind", NO_SUCH_VARIANT)))).err();
    match plain {
        Some(Variants(Some(names))) => names,
        _ => match tagged() {
            Some(Variants(Some(names))) => names,
            _ => panic!("{} is not an enum serde names by variant", std::any::type_name::<T>()),
        },
    }
}
