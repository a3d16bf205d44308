//! The family's rule for an HMAC secret a caller gives: never empty, and at least
//! [`MIN_SECRET_BYTES`] long unless the caller opted in to a shorter one (a short secret can
//! be guessed offline from one signed message). Each crate maps [`SecretRefused`] onto its own
//! `BuildError`.

use super::Hs256Key;

/// The shortest secret accepted without the caller's opt-in: 32 bytes, SHA-256's output size.
pub const MIN_SECRET_BYTES: usize = 32;

/// Why a secret was refused. Holds its length, never its bytes.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SecretRefused {
    /// The secret is empty (refused even with the opt-in).
    Empty,
    /// The secret is shorter than the minimum, and the caller did not opt in.
    Short {
        /// Its length in bytes.
        len: usize,
        /// The minimum, [`MIN_SECRET_BYTES`].
        min: usize,
    },
}

/// Checks `secret` by the rule above; `allow_short` is the caller's opt-in.
///
/// # Errors
///
/// [`SecretRefused::Empty`], then [`SecretRefused::Short`].
pub fn check_secret(secret: &[u8], allow_short: bool) -> Result<(), SecretRefused> {
    if secret.is_empty() {
        return Err(SecretRefused::Empty);
    }
    if secret.len() < MIN_SECRET_BYTES && !allow_short {
        return Err(SecretRefused::Short {
            len: secret.len(),
            min: MIN_SECRET_BYTES,
        });
    }
    Ok(())
}

/// `secret`, checked by [`check_secret`], as an [`Hs256Key`].
///
/// # Errors
///
/// As [`check_secret`].
pub fn secret_key(secret: &[u8], allow_short: bool) -> Result<Hs256Key, SecretRefused> {
    check_secret(secret, allow_short)?;
    Ok(Hs256Key::new(secret))
}

/// Declares a public key type holding an HS256 key made from a caller's secret by the rule
/// above: `new` (the rule) and `insecure_allow_short_secret` (the opt-in), each taking
/// `impl Into<secrecy::SecretString>` (the calling crate depends on `secrecy`), with the docs
/// given for each; a private field `key` ([`Hs256Key`]); `Clone`; and a `Debug` that prints
/// `Name([redacted])`. `refused` maps a [`SecretRefused`] onto the crate's error type.
#[macro_export]
macro_rules! hs256_secret_type {
    (
        $(#[$type_doc:meta])*
        pub struct $name:ident;
        $(#[$new_doc:meta])*
        fn new;
        $(#[$short_doc:meta])*
        fn insecure_allow_short_secret;
        refused: $error:ty = $refused:expr;
    ) => {
        $(#[$type_doc])*
        #[derive(Clone)]
        pub struct $name {
            key: $crate::jws::Hs256Key,
        }

        impl $name {
            $(#[$new_doc])*
            pub fn new(secret: impl Into<::secrecy::SecretString>) -> Result<Self, $error> {
                Self::with_rule(secret.into(), false)
            }

            $(#[$short_doc])*
            pub fn insecure_allow_short_secret(
                secret: impl Into<::secrecy::SecretString>,
            ) -> Result<Self, $error> {
                Self::with_rule(secret.into(), true)
            }

            fn with_rule(secret: ::secrecy::SecretString, allow_short: bool) -> Result<Self, $error> {
                let bytes = ::secrecy::ExposeSecret::expose_secret(&secret).as_bytes();
                let key = $crate::jws::secret_key(bytes, allow_short).map_err($refused)?;
                Ok(Self { key })
            }
        }

        impl ::std::fmt::Debug for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(concat!(stringify!($name), "([redacted])"))
            }
        }
    };
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn empty_is_always_refused_and_short_only_without_the_opt_in() {
        for allow_short in [false, true] {
            assert_eq!(check_secret(b"", allow_short), Err(SecretRefused::Empty));
            assert!(secret_key(b"", allow_short).is_err());
        }
        let short = [7_u8; MIN_SECRET_BYTES - 1];
        assert_eq!(
            check_secret(&short, false),
            Err(SecretRefused::Short {
                len: MIN_SECRET_BYTES - 1,
                min: MIN_SECRET_BYTES
            })
        );
        assert_eq!(check_secret(&short, true), Ok(()));
        assert_eq!(check_secret(&[7_u8; MIN_SECRET_BYTES], false), Ok(()));
        let key = secret_key(&[7_u8; MIN_SECRET_BYTES], false).unwrap();
        assert_eq!(
            key.sign(&[b"m"]),
            Hs256Key::new(&[7_u8; MIN_SECRET_BYTES]).sign(&[b"m"])
        );
    }
}
