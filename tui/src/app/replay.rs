//! Replay of a recording: the first `cursor` events applied to a fresh tracker. Stepping moves
//! between block boundaries; playing follows the recorded timing at a chosen speed. Going
//! back starts from the nearest checkpoint (a copy of the session taken on the way forward)
//! instead of from the first event.

use super::tracker::Tracker;
use crate::chain::{ChainEvent, TxStatusReply};
use std::collections::HashMap;

/// At least this many events between two checkpoints.
const CHECKPOINT_MIN_EVENTS: usize = 256;
/// At most about this many checkpoints per recording (each is a copy of the tracker).
const CHECKPOINTS: usize = 16;

pub const SPEEDS: [f64; 6] = [0.25, 0.5, 1.0, 2.0, 4.0, 8.0];

pub struct Player {
    /// Where the recording came from (file name), for the header.
    pub name: String,
    events: Vec<(u64, ChainEvent)>,
    /// How many events are applied.
    pub cursor: usize,
    /// Cursor positions that end a block: every event up to the block is applied, none after.
    stops: Vec<usize>,
    /// Highest block height seen once `stops[i]` events are applied.
    stop_heights: Vec<Option<u64>>,
    pub playing: bool,
    speed: usize,
    clock_ms: f64,
    /// Trackers after `at` events, every `checkpoint_every` events, taken moving forward.
    checkpoints: Vec<(usize, Tracker)>,
    checkpoint_every: usize,
}

impl Player {
    /// `events`: `(ms since the recording started, event)`, in recorded order.
    pub fn new(name: String, events: Vec<(u64, ChainEvent)>) -> Self {
        let (stops, stop_heights) = block_stops(&events);
        let events_len = events.len();
        Player {
            name,
            events,
            cursor: 0,
            stops,
            stop_heights,
            playing: true,
            speed: 2,
            clock_ms: 0.0,
            checkpoints: Vec::new(),
            checkpoint_every: CHECKPOINT_MIN_EVENTS.max(events_len / CHECKPOINTS),
        }
    }

    pub fn len(&self) -> usize {
        self.events.len()
    }

    pub fn is_empty(&self) -> bool {
        self.events.is_empty()
    }

    pub fn at_end(&self) -> bool {
        self.cursor >= self.events.len()
    }

    pub fn speed(&self) -> f64 {
        SPEEDS[self.speed]
    }

    pub fn faster(&mut self) {
        self.speed = (self.speed + 1).min(SPEEDS.len() - 1);
    }

    pub fn slower(&mut self) {
        self.speed = self.speed.saturating_sub(1);
    }

    /// The block reached at the cursor (as far as the recording shows).
    pub fn height(&self) -> Option<u64> {
        let i = self.stops.partition_point(|&s| s <= self.cursor);
        i.checked_sub(1).and_then(|i| self.stop_heights[i])
    }

    /// Which block step the cursor is at, and how many there are.
    pub fn step_position(&self) -> (usize, usize) {
        let at = self.stops.partition_point(|&s| s <= self.cursor);
        (at.saturating_sub(1), self.stops.len().saturating_sub(1))
    }

    pub fn recorded_ms(&self) -> u64 {
        self.events.last().map_or(0, |e| e.0)
    }

    pub fn clock_ms(&self) -> u64 {
        self.clock_ms as u64
    }

    /// The next block boundary after the cursor.
    pub fn next_stop(&self) -> usize {
        self.stops.iter().copied().find(|&s| s > self.cursor).unwrap_or(self.events.len())
    }

    /// The block boundary before the cursor.
    pub fn prev_stop(&self) -> usize {
        self.stops.iter().copied().rev().find(|&s| s < self.cursor).unwrap_or(0)
    }

    /// How far playing should get after `dt_ms` more (the target cursor).
    pub fn advance(&mut self, dt_ms: u64) -> usize {
        if !self.playing {
            return self.cursor;
        }
        self.clock_ms += dt_ms as f64 * self.speed();
        let target =
            self.events.partition_point(|e| (e.0 as f64) <= self.clock_ms).max(self.cursor);
        if target >= self.events.len() {
            self.playing = false;
        }
        target
    }

    /// Move `tracker` (which holds the first `cursor` events) to `target` events applied, and
    /// the cursor with it. Backwards, it restarts from the nearest checkpoint at or before
    /// `target`. True when the tracker went back.
    pub fn seek(&mut self, target: usize, tracker: &mut Tracker) -> bool {
        let target = target.min(self.events.len());
        let back = target < self.cursor;
        let from = if back {
            match self.checkpoints.iter().rev().find(|(at, _)| *at <= target) {
                Some((at, saved)) => {
                    *tracker = saved.clone();
                    *at
                }
                None => {
                    *tracker = Tracker::new();
                    0
                }
            }
        } else {
            self.cursor
        };
        for at in from..target {
            tracker.apply(self.events[at].1.clone());
            let applied = at + 1;
            let due = applied % self.checkpoint_every == 0
                && self.checkpoints.last().is_none_or(|(last, _)| *last < applied);
            if due {
                tracker.refresh();
                self.checkpoints.push((applied, tracker.clone()));
            }
        }
        self.cursor = target;
        if !self.playing {
            self.clock_ms = target.checked_sub(1).map_or(0.0, |i| self.events[i].0 as f64);
        }
        back
    }

    /// How many checkpoints were taken so far.
    pub fn checkpoints(&self) -> usize {
        self.checkpoints.len()
    }

    /// Play from the start when at the end.
    pub fn toggle(&mut self) -> bool {
        self.playing = !self.playing;
        self.playing && self.at_end()
    }
}

/// Block boundaries of a recording. The frontier after each event is the highest block that
/// any header or outcome seen so far names; a stop is where the next event raises it.
fn block_stops(events: &[(u64, ChainEvent)]) -> (Vec<usize>, Vec<Option<u64>>) {
    let mut heights = HashMap::new();
    for (_, event) in events {
        if let ChainEvent::Block(header) = event {
            heights.insert(header.hash, header.height);
        }
    }
    let mut frontier: Vec<Option<u64>> = Vec::with_capacity(events.len() + 1);
    frontier.push(None);
    let mut current: Option<u64> = None;
    for (_, event) in events {
        let named = match event {
            ChainEvent::Block(header) => Some(header.height),
            ChainEvent::TxPoll(poll) => match &poll.reply {
                TxStatusReply::Known { outcome: Some(view), .. } => {
                    let outcome = &view.final_outcome;
                    std::iter::once(&outcome.transaction_outcome.block_hash)
                        .chain(outcome.receipts_outcome.iter().map(|o| &o.block_hash))
                        .filter_map(|h| heights.get(h).copied())
                        .max()
                }
                _ => None,
            },
            _ => None,
        };
        current = current.max(named);
        frontier.push(current);
    }
    let mut stops = vec![0];
    let mut stop_heights = vec![None];
    for p in 1..=events.len() {
        if p == events.len() || frontier[p + 1] > frontier[p] {
            stops.push(p);
            stop_heights.push(frontier[p]);
        }
    }
    (stops, stop_heights)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::chain::{TxHash, TxPoll};

    /// The `multiple_contracts` capture as `copies` distinct transactions, one after another.
    fn long_recording(copies: u32) -> Vec<(u64, ChainEvent)> {
        let path = concat!(
            env!("CARGO_MANIFEST_DIR"),
            "/../fixtures/reference/captures/multiple_contracts.json"
        );
        let recording = crate::fixture::load(std::path::Path::new(path)).expect("capture");
        let mut out = Vec::new();
        for copy in 0..copies {
            let tx = TxHash(near_primitives::hash::CryptoHash::hash_bytes(&copy.to_le_bytes()));
            for timed in &recording.events {
                let event = match timed.event.clone() {
                    ChainEvent::TxSubmitted { sender, label, at_ms, .. } => {
                        ChainEvent::TxSubmitted { tx, sender, label, at_ms }
                    }
                    ChainEvent::TxPoll(poll) => ChainEvent::TxPoll(TxPoll { tx, ..poll }),
                    ChainEvent::TxDone { error, .. } => ChainEvent::TxDone { tx, error },
                    block => block,
                };
                out.push((u64::from(copy) * 1000 + timed.at_ms, event));
            }
        }
        out
    }

    fn from_scratch(events: &[(u64, ChainEvent)]) -> String {
        let mut tracker = Tracker::new();
        for (_, event) in events {
            tracker.apply(event.clone());
        }
        tracker.refresh();
        format!("{:?}", tracker.dag())
    }

    #[test]
    fn stepping_back_from_checkpoints_matches_replaying_from_the_start() {
        let events = long_recording(60);
        let mut player = Player::new("long".into(), events.clone());
        player.playing = false;
        let mut tracker = Tracker::new();
        assert!(!player.seek(events.len(), &mut tracker));
        assert!(player.checkpoints() >= 2, "checkpoints taken on the way forward");
        for target in [events.len() - 3, 700, 513, 512, 300, 5, 0, 900] {
            player.seek(target, &mut tracker);
            tracker.refresh();
            assert_eq!(player.cursor, target);
            assert_eq!(
                format!("{:?}", tracker.dag()),
                from_scratch(&events[..target]),
                "at {target} events"
            );
        }
    }
}
