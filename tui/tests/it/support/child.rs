//! Child processes a test starts are killed when the test ends, also when it panics: a failed
//! test must not leave a `nearviz serve` or `watch` running for the rest of the day.

use std::ops::{Deref, DerefMut};
use std::process::{Child, Command};

/// A started child that is killed and reaped on drop.
pub struct Guarded(Child);

impl Guarded {
    /// Spawns `command`, naming `what` if it cannot start.
    pub fn spawn(command: &mut Command, what: &str) -> Guarded {
        Guarded(command.spawn().unwrap_or_else(|e| panic!("cannot start {what}: {e}")))
    }
}

impl Deref for Guarded {
    type Target = Child;
    fn deref(&self) -> &Child {
        &self.0
    }
}

impl DerefMut for Guarded {
    fn deref_mut(&mut self) -> &mut Child {
        &mut self.0
    }
}

impl Drop for Guarded {
    fn drop(&mut self) {
        // Already reaped (the test waited for it): kill fails harmlessly.
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}
