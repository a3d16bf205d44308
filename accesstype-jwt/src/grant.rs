//! [`AccessGrant`]: Accesstype's answer to the access check of
//! [`Environment::story_access_url`](crate::Environment::story_access_url).

use std::fmt;

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::Error;

/// The largest access grant body [`AccessGrant::from_slice`] parses, in bytes (64 KiB).
pub const MAX_GRANT_BYTES: usize = 64 * 1024;

/// Whether a reader may read a story, as Accesstype answers
/// `GET /api/access/v1/stories/{story-id}/access`.
///
/// Only `granted` is required; every field Accesstype adds beyond the documented ones is kept
/// in [`extra`](Self::extra). Serve the story only when `granted` is `true`.
///
/// ```
/// use accesstype_jwt::{AccessGrant, GrantReason};
///
/// let body = br#"{"granted":true,"grantReason":"METERING","data":{"numberRemaining":6,"isLoggedIn":true}}"#;
/// let grant = AccessGrant::from_slice(body)?;
/// assert!(grant.granted);
/// assert_eq!(grant.grant_reason, Some(GrantReason::Metering));
/// assert_eq!(grant.number_remaining(), Some(6));
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct AccessGrant {
    /// Whether the reader may read the story.
    pub granted: bool,
    /// Why access was granted (`grantReason`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub grant_reason: Option<GrantReason>,
    /// The story's visibility, present when access was granted by metering
    /// (`assetVisibility`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub asset_visibility: Option<AssetVisibility>,
    /// Which wall to show, present when metering denied access (`wallType`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub wall_type: Option<WallType>,
    /// Free-form data for the page, such as `numberRemaining` and `isLoggedIn`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub data: Option<Map<String, Value>>,
    /// Every other field of the answer.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AccessGrant {
    /// Parses an access grant body of at most [`MAX_GRANT_BYTES`].
    ///
    /// # Errors
    ///
    /// [`Error::GrantTooLarge`] for a larger body (not parsed), [`Error::InvalidGrant`] when
    /// it is not a JSON object with a boolean `granted` and correctly typed documented fields.
    pub fn from_slice(body: &[u8]) -> Result<Self, Error> {
        if body.len() > MAX_GRANT_BYTES {
            return Err(Error::GrantTooLarge {
                len: body.len(),
                max: MAX_GRANT_BYTES,
            });
        }
        serde_json::from_slice(body).map_err(Error::InvalidGrant)
    }

    /// Whether access was granted by the meter (`granted` and `grantReason` `METERING`):
    /// Accesstype expects a pingback for such a read.
    #[must_use]
    pub fn is_metered(&self) -> bool {
        self.granted && self.grant_reason == Some(GrantReason::Metering)
    }

    /// `data.numberRemaining`: how many metered stories the reader has left.
    #[must_use]
    pub fn number_remaining(&self) -> Option<i64> {
        self.data.as_ref()?.get("numberRemaining")?.as_i64()
    }

    /// `data.isLoggedIn`: whether Accesstype saw a valid user JWT.
    #[must_use]
    pub fn is_logged_in(&self) -> Option<bool> {
        self.data.as_ref()?.get("isLoggedIn")?.as_bool()
    }
}

/// Declares an enum of documented wire strings plus `Other(String)` for values Accesstype may
/// add later, so that a new value does not make the whole grant unreadable.
macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire value.
            #[must_use]
            pub fn as_str(&self) -> &str {
                match self {
                    $( Self::$variant => $wire, )+
                    Self::Other(other) => other,
                }
            }
        }

        impl From<String> for $name {
            fn from(wire: String) -> Self {
                match wire.as_str() {
                    $( $wire => Self::$variant, )+
                    _ => Self::Other(wire),
                }
            }
        }

        impl From<$name> for String {
            fn from(value: $name) -> Self {
                match value {
                    $name::Other(other) => other,
                    known => known.as_str().to_owned(),
                }
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

open_string_enum! {
    /// Why access was granted (`grantReason`).
    pub enum GrantReason {
        /// `SUBSCRIBER`: the reader has a subscription that covers the story.
        Subscriber => "SUBSCRIBER",
        /// `METERING`: the reader still has free metered stories.
        Metering => "METERING",
    }
}

open_string_enum! {
    /// The story's visibility as the access check reports it (`assetVisibility`).
    pub enum AssetVisibility {
        /// `login`: any logged-in reader may read it.
        Login => "login",
        /// `subscription`: subscribers only.
        Subscription => "subscription",
    }
}

open_string_enum! {
    /// Which wall to show when metering denied access (`wallType`).
    pub enum WallType {
        /// `pay_wall`: ask the reader to subscribe.
        PayWall => "pay_wall",
        /// `registration_wall`: ask the reader to log in or register.
        RegistrationWall => "registration_wall",
    }
}
