//! [`AccessGrant`]: Accesstype's answer to the access check of
//! [`Environment::story_access_url`](crate::Environment::story_access_url).

use std::fmt;

use serde::de::{self, DeserializeSeed};
use serde::{Deserialize, Deserializer, Serialize};
use serde_json::{Map, Value};

use crate::error::Error;
use crate::json::{self, StrictValue};

/// The largest body this crate parses, in bytes (64 KiB): an access grant given to
/// [`AccessGrant::from_slice`].
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Whether a reader may read a story, as Accesstype answers
/// `GET /api/access/v1/stories/{story-id}/access`.
///
/// Only `granted` is required; every field Accesstype adds beyond the documented ones is kept
/// in [`extra`](Self::extra). Serve the story only when `granted` is `true`.
///
/// The answer decides access, so a member given twice, at any depth, makes it unreadable
/// (`serde_json` alone would keep the last copy): this holds for [`AccessGrant::from_slice`]
/// and for any other `serde` deserializer.
///
/// `Debug` shows the documented fields, `numberRemaining` and `isLoggedIn`, and only the
/// names of the other members of `data` and of [`extra`](Self::extra), whose values could
/// hold personal data.
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
#[derive(Clone, PartialEq, Eq, Serialize)]
#[serde(rename_all = "camelCase")]
#[must_use]
pub struct AccessGrant {
    /// Whether the reader may read the story.
    pub granted: bool,
    /// Why access was granted (`grantReason`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub grant_reason: Option<GrantReason>,
    /// The story's visibility, present when access was granted by metering
    /// (`assetVisibility`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub asset_visibility: Option<AssetVisibility>,
    /// Which wall to show, present when metering denied access (`wallType`).
    #[serde(skip_serializing_if = "Option::is_none")]
    pub wall_type: Option<WallType>,
    /// Free-form data for the page, such as `numberRemaining` and `isLoggedIn`.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub data: Option<Map<String, Value>>,
    /// Every other field of the answer.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl AccessGrant {
    /// Parses an access grant body of at most [`MAX_BODY_BYTES`].
    ///
    /// # Errors
    ///
    /// [`Error::BodyTooLarge`] for a larger body (not parsed); [`Error::Parse`] when it is
    /// not JSON, repeats a member at any depth, or is not an object with a boolean `granted`
    /// and correctly typed documented fields. The error holds none of the body's text.
    pub fn from_slice(body: &[u8]) -> Result<Self, Error> {
        let parse_error = |reason| Error::Parse {
            what: "access grant",
            reason,
            len: body.len(),
        };
        if body.len() > MAX_BODY_BYTES {
            return Err(Error::BodyTooLarge {
                limit: MAX_BODY_BYTES,
            });
        }
        let value = json::strict_value(body).map_err(|error| {
            parse_error(if json::is_syntax(&error) {
                "not JSON"
            } else {
                json::REPEATED_MEMBER
            })
        })?;
        Wire::deserialize(value)
            .map(Self::from)
            .map_err(|_| parse_error("not the documented access grant"))
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

impl<'de> Deserialize<'de> for AccessGrant {
    /// Reads the whole value first, refusing a repeated member at any depth, then its fields.
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = StrictValue.deserialize(deserializer)?;
        Wire::deserialize(value)
            .map(Self::from)
            .map_err(de::Error::custom)
    }
}

/// The wire form of [`AccessGrant`], read from an already checked value.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct Wire {
    granted: bool,
    #[serde(default)]
    grant_reason: Option<GrantReason>,
    #[serde(default)]
    asset_visibility: Option<AssetVisibility>,
    #[serde(default)]
    wall_type: Option<WallType>,
    #[serde(default)]
    data: Option<Map<String, Value>>,
    #[serde(flatten)]
    extra: Map<String, Value>,
}

impl From<Wire> for AccessGrant {
    fn from(wire: Wire) -> Self {
        Self {
            granted: wire.granted,
            grant_reason: wire.grant_reason,
            asset_visibility: wire.asset_visibility,
            wall_type: wire.wall_type,
            data: wire.data,
            extra: wire.extra,
        }
    }
}

impl fmt::Debug for AccessGrant {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let names = |map: &Map<String, Value>| map.keys().cloned().collect::<Vec<_>>();
        f.debug_struct("AccessGrant")
            .field("granted", &self.granted)
            .field("grant_reason", &self.grant_reason)
            .field("asset_visibility", &self.asset_visibility)
            .field("wall_type", &self.wall_type)
            .field("number_remaining", &self.number_remaining())
            .field("is_logged_in", &self.is_logged_in())
            .field("data_members", &self.data.as_ref().map(names))
            .field("extra_members", &names(&self.extra))
            .finish()
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
