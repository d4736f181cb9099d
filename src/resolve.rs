//! What a number of a scenario is: a parameter id as read, an `f64` in a draw.
//!
//! The scenario types ([`crate::scenario`]) are declared once, generic over
//! their number type `N`, by `scenario_types!`. A scenario as read has
//! `N = ParamId`: every number is an index into its list of parameters. One
//! draw's scenario has `N = f64`. [`Resolve`] turns the first into the second
//! with that draw's sampled values; the macro writes it field by field, so a
//! field added to a scenario type is resolved without another line.

use std::fmt::Debug;

/// Index of a parameter in the scenario's [`Parameters`](crate::params::Parameters).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct ParamId(usize);

impl ParamId {
    pub(crate) fn new(index: usize) -> Self {
        ParamId(index)
    }

    pub fn index(self) -> usize {
        self.0
    }
}

/// What the numbers of a scenario type are: [`ParamId`] as read, `f64` in a draw.
pub trait Number: Clone + Debug {
    /// What the scenario keeps besides its numbers to give them values: the
    /// parameters as read, nothing in a draw.
    type Params: Clone + Debug;
}

impl Number for ParamId {
    type Params = crate::params::Parameters;
}

impl Number for f64 {
    type Params = ();
}

/// A value as read, turned into its value in one draw.
pub trait Resolve {
    type Out;
    /// `values[i]` is the draw's value of parameter `i`.
    fn resolve(&self, values: &[f64]) -> Self::Out;

    /// [`Resolve::resolve`] into `out`, which holds another draw's value:
    /// its allocations (lists, names) are reused, so a run resolves each
    /// draw without allocating.
    fn resolve_into(&self, values: &[f64], out: &mut Self::Out) {
        *out = self.resolve(values);
    }
}

impl Resolve for ParamId {
    type Out = f64;
    #[inline]
    fn resolve(&self, values: &[f64]) -> f64 {
        values[self.0]
    }
}

impl<T: Resolve> Resolve for Vec<T> {
    type Out = Vec<T::Out>;
    fn resolve(&self, values: &[f64]) -> Self::Out {
        self.iter().map(|x| x.resolve(values)).collect()
    }

    fn resolve_into(&self, values: &[f64], out: &mut Self::Out) {
        out.truncate(self.len());
        for (i, x) in self.iter().enumerate() {
            match out.get_mut(i) {
                Some(o) => x.resolve_into(values, o),
                None => out.push(x.resolve(values)),
            }
        }
    }
}

impl<T: Resolve> Resolve for Option<T> {
    type Out = Option<T::Out>;
    fn resolve(&self, values: &[f64]) -> Self::Out {
        self.as_ref().map(|x| x.resolve(values))
    }

    fn resolve_into(&self, values: &[f64], out: &mut Self::Out) {
        match (self, out) {
            (Some(x), Some(o)) => x.resolve_into(values, o),
            (x, o) => *o = x.resolve(values),
        }
    }
}

impl<T: Resolve, const K: usize> Resolve for [T; K] {
    type Out = [T::Out; K];
    fn resolve(&self, values: &[f64]) -> Self::Out {
        self.each_ref().map(|x| x.resolve(values))
    }

    fn resolve_into(&self, values: &[f64], out: &mut Self::Out) {
        for (x, o) in self.iter().zip(out.iter_mut()) {
            x.resolve_into(values, o);
        }
    }
}

/// [`Resolve`] for types without numbers: the value as it is (cloned into
/// the old value's allocation, where it has one).
macro_rules! plain {
    ($($t:ty),* $(,)?) => {
        $(impl $crate::resolve::Resolve for $t {
            type Out = $t;
            #[inline]
            fn resolve(&self, _values: &[f64]) -> $t {
                self.clone()
            }
            #[inline]
            fn resolve_into(&self, _values: &[f64], out: &mut $t) {
                out.clone_from(self);
            }
        })*
    };
}
pub(crate) use plain;

plain!(String, bool, u32, u64, usize, i32, i64, f64, ());

/// Declares scenario structs and enums generic over their number type `N`
/// (`ParamId` by default) and writes their [`Resolve`] from `ParamId` to
/// `f64`, field by field. A field's type must be [`Resolve`] with the same
/// type at `N = f64` as its `Out`: `N`, a scenario type, `Vec`, `Option` or
/// an array of those, or a plain type (see [`plain!`]). Enum variants are
/// units or hold one value.
macro_rules! scenario_types {
    () => {};
    (
        $(#[$meta:meta])*
        pub struct $name:ident<N> {
            $($(#[$field_meta:meta])* pub $field:ident: $ty:ty),* $(,)?
        }
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub struct $name<N: $crate::resolve::Number = $crate::resolve::ParamId> {
            $($(#[$field_meta])* pub $field: $ty),*
        }

        impl $crate::resolve::Resolve for $name<$crate::resolve::ParamId> {
            type Out = $name<f64>;
            fn resolve(&self, values: &[f64]) -> $name<f64> {
                $name {
                    $($field: $crate::resolve::Resolve::resolve(&self.$field, values)),*
                }
            }
            fn resolve_into(&self, values: &[f64], out: &mut $name<f64>) {
                $($crate::resolve::Resolve::resolve_into(&self.$field, values, &mut out.$field);)*
            }
        }

        $crate::resolve::scenario_types!($($rest)*);
    };
    (
        $(#[$meta:meta])*
        pub enum $name:ident<N> {
            $($(#[$variant_meta:meta])* $variant:ident $(($ty:ty))?),* $(,)?
        }
        $($rest:tt)*
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone)]
        pub enum $name<N: $crate::resolve::Number = $crate::resolve::ParamId> {
            $($(#[$variant_meta])* $variant $(($ty))?),*
        }

        impl $crate::resolve::Resolve for $name<$crate::resolve::ParamId> {
            type Out = $name<f64>;
            fn resolve(&self, values: &[f64]) -> $name<f64> {
                match self {
                    $($name::$variant $(($crate::resolve::binding!($ty, value)))? => $name::$variant
                        $(($crate::resolve::Resolve::resolve($crate::resolve::binding!($ty, value), values)))?),*
                }
            }
            fn resolve_into(&self, values: &[f64], out: &mut $name<f64>) {
                match (self, &mut *out) {
                    $(($name::$variant $(($crate::resolve::binding!($ty, value)))?,
                       $name::$variant $(($crate::resolve::binding!($ty, old)))?) => {
                        $($crate::resolve::Resolve::resolve_into(
                            $crate::resolve::binding!($ty, value),
                            values,
                            $crate::resolve::binding!($ty, old),
                        );)?
                    })*
                    #[allow(unreachable_patterns)]
                    (x, _) => *out = $crate::resolve::Resolve::resolve(x, values),
                }
            }
        }

        $crate::resolve::scenario_types!($($rest)*);
    };
}
pub(crate) use scenario_types;

/// The name bound to an enum variant's value in [`scenario_types!`]: the
/// variant's type only tells the macro that there is one.
macro_rules! binding {
    ($ty:ty, $name:ident) => {
        $name
    };
}
pub(crate) use binding;

#[cfg(test)]
mod tests {
    use super::*;

    scenario_types! {
        /// A part with every kind of field.
        pub struct Part<N> {
            pub label: String,
            pub cell: usize,
            pub number: N,
            pub list: Vec<N>,
            pub maybe: Option<N>,
            pub pair: [N; 2],
            pub kind: Kind<N>,
        }

        pub enum Kind<N> {
            Nothing,
            One(N),
            Many(Vec<N>),
        }
    }

    #[test]
    fn every_number_takes_its_value_and_the_rest_is_kept() {
        let id = ParamId::new;
        let part = Part {
            label: "a".to_string(),
            cell: 7,
            number: id(2),
            list: vec![id(0), id(2)],
            maybe: Some(id(1)),
            pair: [id(1), id(0)],
            kind: Kind::Many(vec![id(1)]),
        };
        let values = [10.0, 11.0, 12.0];
        let got = part.resolve(&values);
        assert_eq!((got.label.as_str(), got.cell), ("a", 7));
        assert_eq!(got.number, 12.0);
        assert_eq!(got.list, vec![10.0, 12.0]);
        assert_eq!(got.maybe, Some(11.0));
        assert_eq!(got.pair, [11.0, 10.0]);
        assert!(matches!(got.kind, Kind::Many(ref v) if v == &[11.0]));
        assert!(matches!(Kind::One(id(0)).resolve(&values), Kind::One(10.0)));
        assert!(matches!(Kind::Nothing.resolve(&values), Kind::Nothing));
        // Into another draw's value: the same as a fresh one, with shorter
        // and longer lists and another variant.
        let mut into = part.resolve(&[1.0, 2.0, 3.0]);
        into.list.push(7.0);
        into.label = "longer label".into();
        part.resolve_into(&values, &mut into);
        assert_eq!(format!("{into:?}"), format!("{got:?}"));
        let mut kind = Kind::One(5.0);
        Kind::Many(vec![id(2), id(0)]).resolve_into(&values, &mut kind);
        assert!(matches!(kind, Kind::Many(ref v) if v == &[12.0, 10.0]));
        Kind::One(id(1)).resolve_into(&values, &mut kind);
        assert!(matches!(kind, Kind::One(11.0)));
    }
}
