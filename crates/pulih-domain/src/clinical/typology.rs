//! BNN's typology of drug users, the words agents and counsellors use in the field
//! (article-003: agents look for people who have tried once or twice): recorded with
//! an ASSIST screening as the worker's own judgement, beside the instrument's score, and
//! counted in the figures. Like the answers it is sealed with the client's key.

use crate::keyed::keyed_enum;

keyed_enum! {
    /// How far a person's drug use has gone, in BNN's three steps.
    pub enum Typology {
        /// Coba pakai: has tried once or twice.
        CobaPakai = "coba_pakai",
        /// Teratur pakai: uses regularly.
        TeraturPakai = "teratur_pakai",
        /// Pecandu: dependent.
        Pecandu = "pecandu",
    }
    invalid = "invalid.typology"
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_three_steps_are_parsed_by_their_keys() {
        assert_eq!(Typology::parse("coba_pakai"), Ok(Typology::CobaPakai));
        assert_eq!(Typology::parse("pecandu"), Ok(Typology::Pecandu));
        assert!(Typology::parse("pemakai").is_err());
    }
}
