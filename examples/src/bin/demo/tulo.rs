//! The tulo section of the demo.

use crate::DemoResult;

/// Runs the tulo section.
pub(crate) async fn run() -> DemoResult {
    crate::narrate::section("tulo", "This section is being written.");
    Ok(())
}
