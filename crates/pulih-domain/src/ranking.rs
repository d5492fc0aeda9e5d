//! Ranking regions on a figure: the highest value ranks first, ties share a rank and the
//! next rank skips past them ("1, 2, 2, 4"), so "Jambi ranks 26th" does not depend on
//! which way a table is sorted.

use std::cmp::Reverse;

use crate::keyed::keyed_enum;

keyed_enum! {
    /// Which way a table is sorted.
    pub enum Order {
        /// Smallest first.
        Asc = "asc",
        /// Largest first.
        Desc = "desc",
    }
    invalid = "invalid.order"
}

impl Order {
    /// The other way.
    #[must_use]
    pub const fn reversed(self) -> Self {
        match self {
            Self::Asc => Self::Desc,
            Self::Desc => Self::Asc,
        }
    }
}

/// `items` sorted by `value` in `order`, equal values keeping their given order, each
/// with its rank, highest value first: values `[5, 9, 5, 1]` rank `[2, 1, 2, 4]`.
pub fn ranked<T>(items: Vec<T>, value: impl Fn(&T) -> i64, order: Order) -> Vec<(usize, T)> {
    let values: Vec<i64> = items.iter().map(value).collect();
    let mut out: Vec<(usize, i64, T)> = items
        .into_iter()
        .zip(&values)
        .map(|(item, v)| (1 + values.iter().filter(|w| *w > v).count(), *v, item))
        .collect();
    match order {
        Order::Asc => out.sort_by_key(|(_, v, _)| *v),
        Order::Desc => out.sort_by_key(|(_, v, _)| Reverse(*v)),
    }
    out.into_iter()
        .map(|(rank, _, item)| (rank, item))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ranked_values(values: &[i64], order: Order) -> Vec<(usize, i64)> {
        ranked(values.to_vec(), |v| *v, order)
    }

    #[test]
    fn ties_share_a_rank_and_the_next_rank_skips() {
        assert_eq!(
            ranked_values(&[5, 9, 5, 1], Order::Desc),
            [(1, 9), (2, 5), (2, 5), (4, 1)]
        );
        assert_eq!(ranked_values(&[0, 0], Order::Desc), [(1, 0), (1, 0)]);
        assert_eq!(ranked_values(&[], Order::Desc), []);
    }

    #[test]
    fn the_rank_does_not_depend_on_the_order_shown() {
        assert_eq!(
            ranked_values(&[5, 9, 5, 1], Order::Asc),
            [(4, 1), (2, 5), (2, 5), (1, 9)]
        );
    }

    #[test]
    fn equal_values_keep_their_given_order() {
        let names = vec![("Aceh", 3), ("Bali", 7), ("Jambi", 3)];
        let by = |order| -> Vec<&str> {
            ranked(names.clone(), |(_, v)| *v, order)
                .into_iter()
                .map(|(_, (name, _))| name)
                .collect()
        };
        assert_eq!(by(Order::Desc), ["Bali", "Aceh", "Jambi"]);
        assert_eq!(by(Order::Asc), ["Aceh", "Jambi", "Bali"]);
    }

    #[test]
    fn an_order_parses_from_its_key_and_reverses() {
        assert_eq!(Order::parse("desc"), Ok(Order::Desc));
        assert!(Order::parse("down").is_err());
        assert_eq!(Order::Asc.reversed(), Order::Desc);
    }
}
