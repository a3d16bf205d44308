//! The accesstype section of the demo.

use crate::DemoResult;

/// Runs the accesstype section.
pub(crate) async fn run() -> DemoResult {
    crate::narrate::section("accesstype", "This section is being written.");
    Ok(())
}
