//! accesstype-jwt (work in progress).
