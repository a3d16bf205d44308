//! The tiun section of the demo.

use crate::DemoResult;
use crate::narrate::{denied, detail, granted, section, step};

/// Runs the tiun section.
pub(crate) async fn run() -> DemoResult {
    section("tiun", "This section is being written.");
    step("nothing yet");
    detail("status", "pending");
    granted("nothing");
    denied("nothing");
    Ok(())
}
