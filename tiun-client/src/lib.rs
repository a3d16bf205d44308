//! tiun-client (work in progress).
