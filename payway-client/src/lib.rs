//! payway-client (work in progress).
