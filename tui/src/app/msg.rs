//! What the app reacts to (`Msg`) and what it asks the outside world to do (`Effect`).

use super::Geometry;
use crate::engine::{EngineCommand, EngineEvent};
use crossterm::event::{KeyEvent, MouseEvent};
use std::path::PathBuf;

/// Everything `App::update` reacts to.
#[derive(Clone, Debug)]
pub enum Msg {
    Key(KeyEvent),
    Mouse(MouseEvent),
    /// Time passed (milliseconds since the previous tick): replay playback, spinners.
    Tick(u64),
    Engine(EngineEvent),
    /// Events drained from the engine's channel in one go.
    Engines(Vec<EngineEvent>),
    /// A frame was drawn with these regions: input refers to them until the next one.
    Drawn(Geometry),
    /// The engine's channel closed: no engine runs any more.
    EngineEnded,
    /// The engine did not take a command (channel full, or no engine), and why.
    CommandRejected {
        command: EngineCommandKind,
        why: String,
    },
    /// `Effect::RestartEngine` could not start one, and why.
    RestartFailed(String),
    /// `Effect::SaveFixture` wrote this many events to the path.
    Saved {
        path: PathBuf,
        events: usize,
    },
    /// `Effect::SaveFixture` failed, and why.
    SaveFailed(String),
}

/// What `App::update` asks the event loop to do.
#[derive(Clone, Debug, PartialEq)]
pub enum Effect {
    /// Pass a command to the running engine.
    Engine(EngineCommandKind),
    /// Start a new engine (the old one is down); the session is kept.
    RestartEngine,
    /// Write everything observed so far to a fixture file (`None`: a default path).
    SaveFixture(Option<PathBuf>),
    Quit,
}

/// `EngineCommand` without the call payload, so effects compare in tests; the loop turns it
/// into the real command with [`EngineCommandKind::into_command`].
#[derive(Clone, Debug, PartialEq)]
pub enum EngineCommandKind {
    /// Send the scenario call with this index (0-based).
    Send(usize),
    ProduceBlock,
    SetManualBlocks(bool),
}

impl EngineCommandKind {
    /// The engine command, given the scenario's calls.
    pub fn into_command(self, calls: &[crate::scenario::Call]) -> Option<EngineCommand> {
        Some(match self {
            EngineCommandKind::Send(i) => EngineCommand::Send(calls.get(i)?.clone()),
            EngineCommandKind::ProduceBlock => EngineCommand::ProduceBlock,
            EngineCommandKind::SetManualBlocks(on) => EngineCommand::SetManualBlocks(on),
        })
    }
}
