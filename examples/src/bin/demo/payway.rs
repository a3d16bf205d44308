//! The payway section of the demo.

use crate::DemoResult;

/// Runs the payway section.
pub(crate) async fn run() -> DemoResult {
    crate::narrate::section("payway", "This section is being written.");
    Ok(())
}
