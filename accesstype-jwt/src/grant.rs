//! [`AccessGrant`]: Accesstype's answer to the access check of
//! [`Environment::story_access_url`](crate::Environment::story_access_url).

use std::fmt;

use paywall_internal::json::StrictValue;
use paywall_internal::parse_error::read;
use serde::de::{self, DeserializeSeed};
use serde::{Deserialize, Deserializer, Serialize, Serializer};
use serde_json::{Map, Value};

use crate::error::Error;

/// The largest answer body this crate parses, in bytes (64 KiB): an access grant given to
/// [`AccessGrant::from_slice`], and every answer of the client. A webhook's request body has
/// its own cap, [`MAX_WEBHOOK_BODY_BYTES`](crate::MAX_WEBHOOK_BODY_BYTES).
pub const MAX_BODY_BYTES: usize = 64 * 1024;

/// Whether a reader may read a story, as Accesstype answers
/// `GET /api/access/v1/stories/{story-id}/access`.
///
/// Only `granted` is required; every field Accesstype adds beyond the documented ones is kept
/// in [`extra`](Self::extra). Serve the story only when [`granted`](Self::granted) is `true`.
/// Read it through the accessors: its fields are private, and it is `#[non_exhaustive]`.
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
/// assert!(grant.granted());
/// assert_eq!(grant.grant_reason(), Some(&GrantReason::Metering));
/// assert_eq!(grant.number_remaining(), Some(6));
/// # Ok::<(), accesstype_jwt::Error>(())
/// ```
#[derive(Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(remote = "Self", rename_all = "camelCase")]
#[must_use]
#[non_exhaustive]
pub struct AccessGrant {
    pub(crate) granted: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) grant_reason: Option<GrantReason>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) asset_visibility: Option<AssetVisibility>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) wall_type: Option<WallType>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub(crate) data: Option<Map<String, Value>>,
    #[serde(flatten)]
    pub(crate) extra: Map<String, Value>,
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
        if body.len() > MAX_BODY_BYTES {
            return Err(Error::BodyTooLarge {
                limit: MAX_BODY_BYTES,
            });
        }
        read("access grant", body, |value| {
            Self::deserialize(value).map_err(|_| "not the documented access grant")
        })
        .map_err(Error::Parse)
    }

    /// `granted`: whether the reader may read the story.
    #[must_use]
    pub fn granted(&self) -> bool {
        self.granted
    }

    /// `grantReason`: why access was granted.
    #[must_use]
    pub fn grant_reason(&self) -> Option<&GrantReason> {
        self.grant_reason.as_ref()
    }

    /// `assetVisibility`: the story's visibility, present when access was granted by metering.
    #[must_use]
    pub fn asset_visibility(&self) -> Option<&AssetVisibility> {
        self.asset_visibility.as_ref()
    }

    /// `wallType`: which wall to show, present when metering denied access.
    #[must_use]
    pub fn wall_type(&self) -> Option<&WallType> {
        self.wall_type.as_ref()
    }

    /// `data`: free-form data for the page, such as `numberRemaining` and `isLoggedIn`.
    #[must_use]
    pub fn data(&self) -> Option<&Map<String, Value>> {
        self.data.as_ref()
    }

    /// Every other member of the answer, as sent.
    #[must_use]
    pub fn extra(&self) -> &Map<String, Value> {
        &self.extra
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
    /// Reads the whole value first, refusing a repeated member at any depth, then its fields
    /// (serde's derive, which `remote = "Self"` makes an inherent function).
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let value = StrictValue.deserialize(deserializer)?;
        Self::deserialize(value).map_err(de::Error::custom)
    }
}

impl Serialize for AccessGrant {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        Self::serialize(self, serializer)
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
/// add later, so that a new value does not make the whole answer unreadable: `as_str`,
/// `Display`, and conversions from and into `String`, which serde goes through.
macro_rules! open_string_enum {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$variant_meta:meta])* $variant:ident => $wire:literal, )+
        }
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq, Eq, Hash, serde::Serialize)]
        #[serde(from = "String", into = "String")]
        #[non_exhaustive]
        pub enum $name {
            $( $(#[$variant_meta])* $variant, )+
            /// A value this version does not know, kept as sent.
            Other(String),
        }

        impl $name {
            /// The wire name.
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

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

pub(crate) use open_string_enum;

open_string_enum! {
    /// Why access was granted (`grantReason`).
    #[derive(Deserialize)]
    pub enum GrantReason {
        /// `SUBSCRIBER`: the reader has a subscription that covers the story.
        Subscriber => "SUBSCRIBER",
        /// `METERING`: the reader still has free metered stories.
        Metering => "METERING",
    }
}

open_string_enum! {
    /// The story's visibility as the access check reports it (`assetVisibility`).
    #[derive(Deserialize)]
    pub enum AssetVisibility {
        /// `login`: the story asks for a login (anonymous readers meet the registration
        /// wall). Accesstype documents no grant reason but `SUBSCRIBER` and `METERING`, so a
        /// logged-in reader is let in by a subscription or by the meter, as the crate's fake
        /// answers (`FakeAccesstype::registration_wall`).
        Login => "login",
        /// `subscription`: subscribers only.
        Subscription => "subscription",
    }
}

open_string_enum! {
    /// Which wall to show when metering denied access (`wallType`).
    #[derive(Deserialize)]
    pub enum WallType {
        /// `pay_wall`: ask the reader to subscribe.
        PayWall => "pay_wall",
        /// `registration_wall`: ask the reader to log in or register.
        RegistrationWall => "registration_wall",
    }
}
