//! `labeled_enum!`: an enum with a stable storage code (English, snake_case) and a Chinese
//! label for people. Codes are what the database stores; never change a released code.

macro_rules! labeled_enum {
    (
        $(#[$m:meta])*
        pub enum $name:ident {
            $( $(#[$vm:meta])* $var:ident = ($code:literal, $label:literal) ),+ $(,)?
        }
    ) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        pub enum $name {
            $( $(#[$vm])* $var ),+
        }

        impl $name {
            /// Every variant, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$var),+];

            /// The stable code stored in the database and used at the edges.
            pub fn code(self) -> &'static str {
                match self { $( $name::$var => $code ),+ }
            }

            /// The Chinese label shown to people.
            pub fn label(self) -> &'static str {
                match self { $( $name::$var => $label ),+ }
            }

            /// Parses a stored code.
            pub fn from_code(s: &str) -> Option<Self> {
                match s { $( $code => Some($name::$var), )+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, "「{}」({})", self.label(), self.code())
            }
        }
    };
}
