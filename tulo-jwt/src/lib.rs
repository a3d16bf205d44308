//! tulo-jwt (work in progress).
