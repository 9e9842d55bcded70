//! [`Fields`]: the [`Check`] at one message's proto path, so that a conversion names
//! each field once (`f.text("goods_name", g.goods_name, 256)`) and nested messages,
//! lists, enums, counts and codes follow one pattern each. A field's [`Path`] is only
//! written out when it names a violation.

use std::fmt;

use super::Check;
use crate::{
    pb,
    wire::{Amount, UtcTime},
};

/// A domain enum converted from its proto enum, whose zero value (`*_UNSPECIFIED`)
/// means "not set".
pub(super) trait FromPb: Sized {
    /// The prost enum.
    type Pb: TryFrom<i32>;
    /// `None` for the zero value.
    fn from_pb(value: Self::Pb) -> Option<Self>;
}

/// Implements [`FromPb`] for domain enums whose variants mirror the proto's.
macro_rules! from_pb {
    ($($pb:ident => $domain:ty { $($p:ident => $d:ident),+ $(,)? })+) => {$(
        impl $crate::grpc::convert::fields::FromPb for $domain {
            type Pb = $crate::pb::$pb;
            fn from_pb(value: Self::Pb) -> Option<Self> {
                match value {
                    $crate::pb::$pb::Unspecified => None,
                    $($crate::pb::$pb::$p => Some(Self::$d),)+
                }
            }
        }
    )+};
}
pub(super) use from_pb;

/// A field's proto path, e.g. `orders[2].goods[1].goods_name`, as a chain of borrows
/// down the conversion's stack: `Copy`, and written out (by [`Display`](fmt::Display))
/// only for a violation, so that a valid request allocates nothing for it.
#[derive(Clone, Copy, Debug)]
pub(super) enum Path<'a> {
    /// The request itself; it has no name.
    Root,
    /// Field `name` of the message at the parent path.
    Field(&'a Path<'a>, &'a str),
    /// Entry `i` of the repeated field at the parent path.
    Index(&'a Path<'a>, usize),
}

impl<'a> Path<'a> {
    /// Field `name` of the message at this path.
    pub(super) fn field(&'a self, name: &'a str) -> Self {
        Self::Field(self, name)
    }
}

impl fmt::Display for Path<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match *self {
            Self::Root => Ok(()),
            Self::Field(Self::Root, name) => f.write_str(name),
            Self::Field(parent, name) => write!(f, "{parent}.{name}"),
            Self::Index(parent, i) => write!(f, "{parent}[{i}]"),
        }
    }
}

/// The [`Check`] at a message's path ([`Path::Root`] at the top of a request).
pub(super) struct Fields<'a> {
    check: &'a mut Check,
    path: Path<'a>,
}

impl<'a> Fields<'a> {
    /// The fields of the message at `path`, checked into `check`.
    pub(super) fn new(check: &'a mut Check, path: Path<'a>) -> Self {
        Self { check, path }
    }

    /// Records that field `name` of this message is bad.
    pub(super) fn violation(&mut self, name: &str, description: impl Into<String>) {
        self.check.violation(self.path.field(name), description);
    }

    /// Optional text: empty means absent; at most `max` characters, no control ones.
    pub(super) fn text(&mut self, name: &str, value: String, max: usize) -> Option<String> {
        self.check.text(self.path.field(name), value, max)
    }

    /// Optional text of a fixed form (a code, digits): empty means absent; otherwise it
    /// must pass `valid`, or it is named with `expected` (the value itself is not
    /// repeated: it may be card data).
    pub(super) fn code(
        &mut self,
        name: &str,
        value: String,
        valid: fn(&str) -> bool,
        expected: &str,
    ) -> Option<String> {
        if value.is_empty() {
            return None;
        }
        if !valid(&value) {
            self.violation(name, format!("must be {expected}"));
        }
        Some(value)
    }

    /// An ISO 3166-1 alpha-2 code: 2 upper-case letters.
    pub(super) fn region(&mut self, name: &str, value: String) -> Option<String> {
        let valid = |v: &str| v.len() == 2 && v.bytes().all(|b| b.is_ascii_uppercase());
        self.code(
            name,
            value,
            valid,
            "an ISO 3166-1 alpha-2 code (2 upper-case letters)",
        )
    }

    pub(super) fn amount(&mut self, name: &str, amount: Option<pb::Amount>) -> Option<Amount> {
        amount.and_then(|a| self.check.amount(self.path.field(name), a))
    }

    pub(super) fn time(
        &mut self,
        name: &str,
        time: Option<prost_types::Timestamp>,
    ) -> Option<UtcTime> {
        time.and_then(|t| self.check.time(self.path.field(name), t))
    }

    /// An optional enum: `None` for the zero value; a number the proto does not define
    /// is a violation.
    pub(super) fn choice<D: FromPb>(&mut self, name: &str, raw: i32) -> Option<D> {
        self.check
            .enumeration(self.path.field(name), raw, D::from_pb)
    }

    /// A count that must be at least `min` when set.
    pub(super) fn count(&mut self, name: &str, value: Option<i64>, min: u64) -> Option<u64> {
        let value = value?;
        match u64::try_from(value) {
            Ok(v) if v >= min => Some(v),
            _ => {
                self.violation(name, format!("must be at least {min}, got {value}"));
                None
            }
        }
    }

    /// A message field, converted at its own path when set (an empty one is sent `{}`).
    pub(super) fn nested<M, D>(
        &mut self,
        name: &str,
        value: Option<M>,
        convert: impl FnOnce(Fields<'_>, M) -> D,
    ) -> Option<D> {
        value.map(|m| convert(Fields::new(self.check, self.path.field(name)), m))
    }

    /// A required message field: a violation when it is not set.
    pub(super) fn required<M, D>(
        &mut self,
        name: &str,
        value: Option<M>,
        convert: impl FnOnce(Fields<'_>, M) -> D,
    ) -> Option<D> {
        if value.is_none() {
            self.violation(name, "is required");
        }
        self.nested(name, value, convert)
    }

    /// A repeated field of at most `max` entries, each converted at `name[i]`. Past the
    /// limit the entries are not checked: the request goes back as a whole.
    pub(super) fn list<M, D>(
        &mut self,
        name: &str,
        values: Vec<M>,
        max: usize,
        mut convert: impl FnMut(Fields<'_>, M) -> D,
    ) -> Vec<D> {
        if values.len() > max {
            let got = values.len();
            self.violation(name, format!("must hold at most {max} entries, got {got}"));
            return Vec::new();
        }
        let path = self.path.field(name);
        (values.into_iter().enumerate())
            .map(|(i, m)| convert(Fields::new(self.check, Path::Index(&path, i)), m))
            .collect()
    }

    /// A repeated field that must hold 1 to `max` entries.
    pub(super) fn required_list<M, D>(
        &mut self,
        name: &str,
        values: Vec<M>,
        max: usize,
        convert: impl FnMut(Fields<'_>, M) -> D,
    ) -> Vec<D> {
        if values.is_empty() {
            self.violation(name, format!("is required (1 to {max} entries)"));
        }
        self.list(name, values, max, convert)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn violations(check: Check) -> Vec<(String, String)> {
        let err = check.finish(|| None::<()>).expect_err("violations");
        (err.violations.into_iter())
            .map(|v| (v.field, v.description))
            .collect()
    }

    #[test]
    fn nested_lists_name_each_entry_by_its_path() {
        let mut check = Check::default();
        let orders = Path::Root.field("orders");
        let mut f = Fields::new(&mut check, Path::Index(&orders, 2));
        let names = f.list("goods", vec!["ok", "bad\u{7}"], 100, |mut f, name| {
            f.text("goods_name", name.to_owned(), 256)
        });
        assert_eq!(names.len(), 2);
        assert_eq!(f.count("goods_quantity", Some(-3), 1), None);
        assert_eq!(
            violations(check),
            [
                (
                    "orders[2].goods[1].goods_name".to_owned(),
                    "must not contain control characters (found one at character 4)".to_owned()
                ),
                (
                    "orders[2].goods_quantity".to_owned(),
                    "must be at least 1, got -3".to_owned()
                ),
            ]
        );
    }

    #[test]
    fn regions_are_two_upper_case_letters_and_not_repeated() {
        let mut check = Check::default();
        let mut f = Fields::new(&mut check, Path::Root);
        assert_eq!(f.region("region", "US".into()).as_deref(), Some("US"));
        assert_eq!(f.region("region", String::new()), None);
        f.region("issuing_region", "us".into());
        f.region("merchant_country_code", "USA".into());
        let v = violations(check);
        assert_eq!(v.len(), 2);
        assert_eq!(v[0].0, "issuing_region");
        // The value itself is not repeated (it may be card data elsewhere).
        assert_eq!(
            v[0].1,
            "must be an ISO 3166-1 alpha-2 code (2 upper-case letters)"
        );
        assert_eq!(v[1].0, "merchant_country_code");
    }
}
