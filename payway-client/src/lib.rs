#![doc = include_str!("../README.md")]
#![cfg_attr(docsrs, feature(doc_cfg))]
#![deny(
    clippy::unwrap_used,
    clippy::expect_used,
    clippy::panic,
    clippy::indexing_slicing,
    clippy::print_stdout,
    clippy::print_stderr
)]
#![cfg_attr(
    test,
    allow(
        clippy::unwrap_used,
        clippy::expect_used,
        clippy::panic,
        clippy::indexing_slicing
    )
)]

mod account;
mod callback;
mod client;
mod config;
mod environment;
mod error;
mod http;
mod login;
mod secret;
mod server_token;
mod shop_url;
mod store;
mod ticket;
mod token;
mod trace;

pub use account::{Account, ActiveProducts, Address, UserProduct};
pub use callback::{CallbackError, ReturnPolicy, TicketCallback};
pub use client::PaywayClient;
pub use config::{PaywayClientBuilder, TokenEncoding};
pub use environment::{Environment, ParseEnvironmentError};
pub use error::{BuildError, Error, ProviderError};
pub use login::{RejectReason, TicketLogin};
pub use secret::{AccessToken, ClientSecret, RefreshToken, Ticket};
pub use shop_url::{ShopUrl, ShopUrlBuilder, ShopUrlError};
#[cfg(feature = "redis")]
#[cfg_attr(docsrs, doc(cfg(feature = "redis")))]
pub use store::RedisTicketStore;
pub use store::{Fingerprint, MemoryTicketStore, StoreError, TicketStore};
pub use ticket::TicketRequest;
pub use token::TokenResponse;

/// The largest response body this crate reads from Payway, in bytes (64 KiB).
///
/// A larger body is an [`Error::BodyTooLarge`]: it is never buffered whole.
pub const MAX_RESPONSE_BYTES: usize = 64 * 1024;

/// How long [`PaywayClient::login_with_ticket`] keeps a ticket claimed by default (10 minutes).
///
/// Payway tickets are short-lived; the claim must outlive the ticket. Change it with
/// [`PaywayClientBuilder::claim_ttl`].
pub const DEFAULT_CLAIM_TTL: std::time::Duration = std::time::Duration::from_secs(600);
