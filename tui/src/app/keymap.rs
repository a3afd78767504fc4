//! The one table of keys: `App::update` looks actions up here, and the `?` help and the footer
//! are drawn from it, showing only the bindings that work now ([`Binding::enabled`]).

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// What a key does.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Action {
    Quit,
    Help,
    Up,
    Down,
    Left,
    Right,
    First,
    Last,
    PageUp,
    PageDown,
    FocusNext,
    FocusPrev,
    Activate,
    Back,
    PrevTx,
    NextTx,
    ToggleRefunds,
    CycleGasUnit,
    ZoomIn,
    ZoomOut,
    Collapse,
    ExpandAll,
    ToggleExplain,
    /// State values in the details: readable or raw (base64, exact yoctoNEAR).
    ToggleRawValues,
    /// The ledger of the open transaction instead of the details.
    ToggleLedger,
    /// Every transaction of the session on one block axis.
    Timeline,
    /// Send the scenario call with this index (0-based; key `1` sends call 0).
    SendCall(usize),
    NextBlock,
    PrevBlock,
    PlayPause,
    Faster,
    Slower,
    ReplayStart,
    ReplayEnd,
    Save,
    RestartEngine,
}

impl Action {
    /// Same action, whatever call number it carries.
    fn same_kind(self, other: Action) -> bool {
        std::mem::discriminant(&self) == std::mem::discriminant(&other)
    }
}

/// Which screens a binding works on.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Modes(u8);

impl Modes {
    pub const LIVE: Modes = Modes(1);
    pub const REPLAY: Modes = Modes(2);
    pub const VIEWER: Modes = Modes(4);
    pub const ALL: Modes = Modes(7);
    const LIVE_REPLAY: Modes = Modes(3);

    pub fn contains(self, other: Modes) -> bool {
        self.0 & other.0 != 0
    }
}

/// A key as written in the table: a code and exactly these modifiers.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Key {
    pub code: KeyCode,
    pub modifiers: KeyModifiers,
}

impl Key {
    /// Whether `event` is this key. Modifiers compare exactly, except that shift is part of
    /// the character (`G`) or of the code (`BackTab`) and is not required on its own.
    pub fn matches(self, event: &KeyEvent) -> bool {
        let mut modifiers = event.modifiers;
        if matches!(event.code, KeyCode::Char(_) | KeyCode::BackTab) {
            modifiers.remove(KeyModifiers::SHIFT);
        }
        self.code == event.code && self.modifiers == modifiers
    }

    pub fn label(self) -> String {
        let base = match self.code {
            KeyCode::Char(' ') => "space".into(),
            KeyCode::Char(c) => c.to_string(),
            KeyCode::Up => "↑".into(),
            KeyCode::Down => "↓".into(),
            KeyCode::Left => "←".into(),
            KeyCode::Right => "→".into(),
            KeyCode::Enter => "enter".into(),
            KeyCode::Esc => "esc".into(),
            KeyCode::Tab => "tab".into(),
            KeyCode::BackTab => "shift-tab".into(),
            KeyCode::PageUp => "pgup".into(),
            KeyCode::PageDown => "pgdn".into(),
            KeyCode::Home => "home".into(),
            KeyCode::End => "end".into(),
            other => format!("{other:?}").to_lowercase(),
        };
        if self.modifiers.contains(KeyModifiers::CONTROL) {
            format!("ctrl-{base}")
        } else {
            base
        }
    }
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Group {
    Move,
    View,
    Live,
    Replay,
}

impl Group {
    pub fn title(self) -> &'static str {
        match self {
            Group::Move => "Move",
            Group::View => "View",
            Group::Live => "Live chain",
            Group::Replay => "Replay",
        }
    }
}

/// When a binding does something, beyond its modes.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum When {
    Always,
    /// The engine is ready and the scenario has the call.
    CallExists,
    /// Blocks come on demand.
    ManualBlocks,
    /// The engine can pause its chain.
    CanPause,
    /// The engine is down.
    EngineDown,
    /// The details list state changes (or the ledger is open).
    StateShown,
    /// The open transaction has a ledger (or the ledger is open, to close it).
    LedgerKnown,
}

/// What decides whether a binding works now (the app fills it in).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Context {
    pub mode: Modes,
    pub engine_ready: bool,
    pub engine_down: bool,
    pub calls: usize,
    pub can_pause: bool,
    pub manual_blocks: bool,
    /// The details pane lists state changes of the selection, or the ledger is open.
    pub state_shown: bool,
    /// The open transaction's ledger has rows, or the ledger is open.
    pub ledger: bool,
}

pub struct Binding {
    pub key: Key,
    pub action: Action,
    pub modes: Modes,
    pub when: When,
    pub group: Group,
    pub help: &'static str,
    /// Short label for the footer, if it belongs there.
    pub footer: Option<&'static str>,
}

impl Binding {
    /// Whether pressing the key does something now.
    pub fn enabled(&self, ctx: &Context) -> bool {
        if !self.modes.contains(ctx.mode) {
            return false;
        }
        match self.when {
            When::Always => true,
            When::CallExists => match self.action {
                Action::SendCall(n) => ctx.engine_ready && n < ctx.calls,
                _ => ctx.engine_ready,
            },
            When::ManualBlocks => ctx.engine_ready && ctx.manual_blocks,
            When::CanPause => ctx.engine_ready && ctx.can_pause,
            When::EngineDown => ctx.engine_down,
            When::StateShown => ctx.state_shown,
            When::LedgerKnown => ctx.ledger,
        }
    }
}

/// The enabled bindings of one action kind, as the help and footer name them: `←/h`, `1-4`.
pub fn keys_label(action: Action, ctx: &Context) -> String {
    let keys: Vec<&Binding> =
        BINDINGS.iter().filter(|b| b.action.same_kind(action) && b.enabled(ctx)).collect();
    match (action, keys.first(), keys.last()) {
        (Action::SendCall(_), Some(first), Some(last)) if keys.len() > 1 => {
            format!("{}-{}", first.key.label(), last.key.label())
        }
        _ => keys.iter().map(|b| b.key.label()).collect::<Vec<_>>().join("/"),
    }
}

/// One entry per action kind among the enabled bindings, in table order: what the help lists.
pub fn enabled_actions(ctx: &Context) -> impl Iterator<Item = &'static Binding> + '_ {
    BINDINGS.iter().enumerate().filter_map(move |(i, b)| {
        let first = BINDINGS[..i].iter().all(|o| !(o.action.same_kind(b.action) && o.enabled(ctx)));
        (b.enabled(ctx) && first).then_some(b)
    })
}

const NONE: KeyModifiers = KeyModifiers::NONE;
const CTRL: KeyModifiers = KeyModifiers::CONTROL;

const fn ch(c: char) -> Key {
    Key { code: KeyCode::Char(c), modifiers: NONE }
}

const fn ctrl(c: char) -> Key {
    Key { code: KeyCode::Char(c), modifiers: CTRL }
}

const fn code(code: KeyCode) -> Key {
    Key { code, modifiers: NONE }
}

const fn b(
    key: Key,
    action: Action,
    modes: Modes,
    when: When,
    group: Group,
    help: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding { key, action, modes, when, group, help, footer }
}

use Action as A;
use Group as G;
use KeyCode as K;
use Modes as M;
use When as W;

/// Every key of nearviz, one binding per line. The first line of an action carries its help
/// and footer text; the help lists an action once, with all its enabled keys.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    b(code(K::Up),       A::Up,            M::ALL,         W::Always, G::Move, "previous receipt above / previous item", None),
    b(ch('k'),           A::Up,            M::ALL,         W::Always, G::Move, "", None),
    b(code(K::Down),     A::Down,          M::ALL,         W::Always, G::Move, "next receipt below / next item", None),
    b(ch('j'),           A::Down,          M::ALL,         W::Always, G::Move, "", None),
    b(code(K::Left),     A::Left,          M::ALL,         W::Always, G::Move, "receipt in the earlier block", None),
    b(ch('h'),           A::Left,          M::ALL,         W::Always, G::Move, "", None),
    b(code(K::Right),    A::Right,         M::ALL,         W::Always, G::Move, "receipt in the later block", Some("move")),
    b(ch('l'),           A::Right,         M::ALL,         W::Always, G::Move, "", None),
    b(ch('g'),           A::First,         M::ALL,         W::Always, G::Move, "the transaction (first node)", None),
    b(ch('G'),           A::Last,          M::ALL,         W::Always, G::Move, "the last receipt", None),
    b(code(K::PageUp),   A::PageUp,        M::ALL,         W::Always, G::Move, "scroll the DAG up", None),
    b(ctrl('u'),         A::PageUp,        M::ALL,         W::Always, G::Move, "", None),
    b(code(K::PageDown), A::PageDown,      M::ALL,         W::Always, G::Move, "scroll the DAG down", None),
    b(ctrl('d'),         A::PageDown,      M::ALL,         W::Always, G::Move, "", None),
    b(code(K::Tab),      A::FocusNext,     M::ALL,         W::Always, G::Move, "focus the next panel (DAG, calls, history)", Some("panel")),
    b(code(K::BackTab),  A::FocusPrev,     M::ALL,         W::Always, G::Move, "focus the previous panel", None),
    b(code(K::Enter),    A::Activate,      M::ALL,         W::Always, G::Move, "bigger details · send the call · open the tx", Some("details")),
    b(code(K::Esc),      A::Back,          M::ALL,         W::Always, G::Move, "close help / shrink details / back to the DAG", None),
    b(ch('['),           A::PrevTx,        M::ALL,         W::Always, G::Move, "open the previous transaction", None),
    b(ch(']'),           A::NextTx,        M::ALL,         W::Always, G::Move, "open the next transaction", Some("tx")),
    b(ch('r'),           A::ToggleRefunds, M::ALL,         W::Always, G::View, "show / hide gas refunds", Some("refunds")),
    b(ch('u'),           A::CycleGasUnit,  M::ALL,         W::Always, G::View, "gas in Tgas, gas units or NEAR", Some("units")),
    b(ch('z'),           A::ZoomIn,        M::ALL,         W::Always, G::View, "zoom in (wider nodes with arguments)", None),
    b(ch('Z'),           A::ZoomOut,       M::ALL,         W::Always, G::View, "zoom out (one line per receipt)", Some("zoom")),
    b(ch('c'),           A::Collapse,      M::ALL,         W::Always, G::View, "fold / unfold what the selected receipt created", None),
    b(ch('C'),           A::ExpandAll,     M::ALL,         W::Always, G::View, "unfold everything", None),
    b(ch('t'),           A::Timeline,      M::ALL,         W::Always, G::View, "timeline of every transaction, by block", None),
    b(ch('w'),           A::ToggleExplain, M::LIVE_REPLAY, W::Always, G::View, "workshop notes beside the DAG", None),
    b(ch('?'),           A::Help,          M::ALL,         W::Always, G::View, "this help", Some("help")),
    b(ch('L'),           A::ToggleLedger,  M::ALL,         W::LedgerKnown, G::View, "ledger: where did the NEAR go? (open transaction)", Some("ledger")),
    b(ch('v'),           A::ToggleRawValues, M::ALL,       W::StateShown, G::View, "state values readable / raw (base64, yoctoNEAR)", None),
    b(ch('q'),           A::Quit,          M::ALL,         W::Always, G::View, "quit", Some("quit")),
    b(ctrl('c'),         A::Quit,          M::ALL,         W::Always, G::View, "", None),
    b(ch('1'),           A::SendCall(0),   M::LIVE,        W::CallExists, G::Live, "send that scenario call", Some("call")),
    b(ch('2'),           A::SendCall(1),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('3'),           A::SendCall(2),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('4'),           A::SendCall(3),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('5'),           A::SendCall(4),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('6'),           A::SendCall(5),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('7'),           A::SendCall(6),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('8'),           A::SendCall(7),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('9'),           A::SendCall(8),   M::LIVE,        W::CallExists, G::Live, "", None),
    b(ch('n'),           A::NextBlock,     M::LIVE,        W::ManualBlocks, G::Live, "produce one block (chain paused)", Some("next block")),
    b(ch(' '),           A::PlayPause,     M::LIVE,        W::CanPause, G::Live, "pause / resume block production", Some("pause")),
    b(ch('s'),           A::Save,          M::LIVE,        W::Always, G::Live, "save the session as a fixture", Some("save")),
    b(ch('R'),           A::RestartEngine, M::LIVE,        W::EngineDown, G::Live, "restart the stopped engine (history is kept)", Some("restart")),
    b(ch(' '),           A::PlayPause,     M::REPLAY,      W::Always, G::Replay, "play / pause", Some("play")),
    b(ch('n'),           A::NextBlock,     M::REPLAY,      W::Always, G::Replay, "step one block forward", Some("step")),
    b(ch('p'),           A::PrevBlock,     M::REPLAY,      W::Always, G::Replay, "step one block back", None),
    b(ch('+'),           A::Faster,        M::REPLAY,      W::Always, G::Replay, "faster (up to 8×)", Some("speed")),
    b(ch('='),           A::Faster,        M::REPLAY,      W::Always, G::Replay, "", None),
    b(ch('-'),           A::Slower,        M::REPLAY,      W::Always, G::Replay, "slower (down to 0.25×)", None),
    b(code(K::Home),     A::ReplayStart,   M::REPLAY,      W::Always, G::Replay, "back to the start", None),
    b(code(K::End),      A::ReplayEnd,     M::REPLAY,      W::Always, G::Replay, "jump to the end", None),
];

/// The binding for a key press in a mode (enabled or not: the app says why not).
pub fn lookup(event: &KeyEvent, mode: Modes) -> Option<&'static Binding> {
    BINDINGS.iter().find(|binding| binding.modes.contains(mode) && binding.key.matches(event))
}

/// The binding that carries an action's help text (its first line in the table for `mode`).
pub fn describe(action: Action, mode: Modes) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| b.action.same_kind(action) && b.modes.contains(mode))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
    }

    fn live(calls: usize) -> Context {
        Context {
            mode: Modes::LIVE,
            engine_ready: true,
            engine_down: false,
            calls,
            can_pause: true,
            manual_blocks: false,
            state_shown: false,
            ledger: false,
        }
    }

    #[test]
    fn vim_keys_and_arrows_do_the_same() {
        for (a, b) in
            [(KeyCode::Up, 'k'), (KeyCode::Down, 'j'), (KeyCode::Left, 'h'), (KeyCode::Right, 'l')]
        {
            let arrow = lookup(&key(a), Modes::LIVE).map(|b| b.action);
            let vim = lookup(&key(KeyCode::Char(b)), Modes::LIVE).map(|b| b.action);
            assert!(arrow.is_some());
            assert_eq!(arrow, vim);
        }
    }

    #[test]
    fn the_same_key_means_different_things_per_mode() {
        let n = key(KeyCode::Char('n'));
        assert_eq!(lookup(&n, Modes::LIVE).map(|b| b.action), Some(Action::NextBlock));
        assert_eq!(lookup(&n, Modes::REPLAY).map(|b| b.help), Some("step one block forward"));
        assert!(lookup(&n, Modes::VIEWER).is_none());
        assert!(lookup(&key(KeyCode::Char('5')), Modes::REPLAY).is_none());
    }

    #[test]
    fn send_call_carries_its_number() {
        let five = lookup(&key(KeyCode::Char('5')), Modes::LIVE).map(|b| b.action);
        assert_eq!(five, Some(Action::SendCall(4)));
    }

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for mode in [Modes::LIVE, Modes::REPLAY, Modes::VIEWER] {
            let mut seen = Vec::new();
            for binding in BINDINGS.iter().filter(|b| b.modes.contains(mode)) {
                assert!(!seen.contains(&binding.key), "{:?} bound twice in {mode:?}", binding.key);
                seen.push(binding.key);
            }
        }
    }

    #[test]
    fn modifiers_compare_exactly() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_c, Modes::LIVE).map(|b| b.action), Some(Action::Quit));
        assert_eq!(
            lookup(&key(KeyCode::Char('c')), Modes::LIVE).map(|b| b.action),
            Some(Action::Collapse)
        );
        let alt_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT);
        assert!(lookup(&alt_q, Modes::LIVE).is_none(), "alt-q is not q");
        let ctrl_alt_c =
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL | KeyModifiers::ALT);
        assert!(lookup(&ctrl_alt_c, Modes::LIVE).is_none());
        let ctrl_up = KeyEvent::new(KeyCode::Up, KeyModifiers::CONTROL);
        assert!(lookup(&ctrl_up, Modes::LIVE).is_none());
        // Shift is part of an upper-case character and of BackTab.
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&shift_g, Modes::LIVE).map(|b| b.action), Some(Action::Last));
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(lookup(&back_tab, Modes::LIVE).map(|b| b.action), Some(Action::FocusPrev));
    }

    #[test]
    fn only_what_works_now_is_enabled() {
        assert_eq!(keys_label(Action::SendCall(0), &live(4)), "1-4");
        assert_eq!(keys_label(Action::SendCall(0), &live(12)), "1-9");
        assert_eq!(keys_label(Action::Quit, &live(4)), "q/ctrl-c");
        let actions = |ctx: &Context| enabled_actions(ctx).map(|b| b.action).collect::<Vec<_>>();
        let running = live(4);
        assert!(!actions(&running).contains(&Action::NextBlock), "blocks come on their own");
        assert!(!actions(&running).contains(&Action::RestartEngine));
        assert!(actions(&running).contains(&Action::PlayPause));
        let paused = Context { manual_blocks: true, ..running };
        assert!(actions(&paused).contains(&Action::NextBlock));
        let sandbox = Context { can_pause: false, ..running };
        assert!(!actions(&sandbox).contains(&Action::PlayPause));
        let down = Context { engine_ready: false, engine_down: true, ..running };
        assert!(actions(&down).contains(&Action::RestartEngine));
        assert!(!actions(&down).iter().any(|a| matches!(a, Action::SendCall(_))));
        // The state keys work only when there is state to show.
        assert!(!actions(&running).contains(&Action::ToggleLedger));
        assert!(!actions(&running).contains(&Action::ToggleRawValues));
        let state = Context { state_shown: true, ledger: true, ..running };
        assert!(actions(&state).contains(&Action::ToggleLedger));
        assert!(actions(&state).contains(&Action::ToggleRawValues));
        assert_eq!(keys_label(Action::ToggleLedger, &state), "L");
        // One entry per action kind.
        assert_eq!(
            actions(&running).iter().filter(|a| matches!(a, Action::SendCall(_))).count(),
            1
        );
    }
}
