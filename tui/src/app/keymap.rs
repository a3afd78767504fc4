//! The one table of keys, for every screen: `App::update` looks actions up here, and the `?`
//! help and the footer are drawn from it, showing only the bindings that work now, on the
//! screen in view ([`Binding::enabled`]).

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
    /// Where the selected receipt's gas went, as a bar chart, instead of the details.
    ToggleGas,
    /// Gas charts by group or every single cost.
    GasBreakdown,
    /// The session's gas report: calls and min / median / max gas per method.
    GasReport,
    /// Mark the timeline's row for its ledger, or unmark it.
    Mark,
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

/// Which screens a binding works on (the app's [`crate::app::View`]).
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub struct Views(u8);

impl Views {
    pub const DAG: Views = Views(1);
    pub const TIMELINE: Views = Views(2);
    pub const GAS_REPORT: Views = Views(4);
    pub const ANY: Views = Views(7);

    pub fn contains(self, other: Views) -> bool {
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
    /// The screen in view (the one under the help, when the help shows).
    pub view: Views,
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
    pub views: Views,
    pub when: When,
    pub group: Group,
    pub help: &'static str,
    /// Short label for the footer, if it belongs there.
    pub footer: Option<&'static str>,
}

impl Binding {
    /// Whether pressing the key does something now.
    pub fn enabled(&self, ctx: &Context) -> bool {
        if !self.bound(ctx) {
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
    (modes, views): (Modes, Views),
    when: When,
    group: Group,
    help: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding { key, action, modes, views, when, group, help, footer }
}

use Action as A;
use Group as G;
use KeyCode as K;
use Modes as M;
use Views as V;
use When as W;

/// On every screen.
const ALL: (Modes, Views) = (M::ALL, V::ANY);
/// On the DAG.
const DAG: (Modes, Views) = (M::ALL, V::DAG);
/// On the timeline.
const TL: (Modes, Views) = (M::ALL, V::TIMELINE);
/// On the gas report.
const GR: (Modes, Views) = (M::ALL, V::GAS_REPORT);
const LIVE: (Modes, Views) = (M::LIVE, V::ANY);
const REPLAY: (Modes, Views) = (M::REPLAY, V::ANY);

/// Every key of nearviz, one binding per line. The first line of an action carries its help
/// and footer text; the help lists an action once, with all its enabled keys.
#[rustfmt::skip]
pub static BINDINGS: &[Binding] = &[
    // The timeline (`t`): a row per transaction, a column per block.
    b(code(K::Up),       A::Up,            TL,      W::Always, G::Move, "previous transaction", None),
    b(ch('k'),           A::Up,            TL,      W::Always, G::Move, "", None),
    b(code(K::Down),     A::Down,          TL,      W::Always, G::Move, "next transaction", None),
    b(ch('j'),           A::Down,          TL,      W::Always, G::Move, "", None),
    b(code(K::Left),     A::Left,          TL,      W::Always, G::Move, "earlier blocks", None),
    b(ch('h'),           A::Left,          TL,      W::Always, G::Move, "", None),
    b(code(K::Right),    A::Right,         TL,      W::Always, G::Move, "later blocks", Some("move")),
    b(ch('l'),           A::Right,         TL,      W::Always, G::Move, "", None),
    b(ch('g'),           A::First,         TL,      W::Always, G::Move, "the first transaction", None),
    b(ch('G'),           A::Last,          TL,      W::Always, G::Move, "the last transaction", None),
    b(code(K::PageUp),   A::PageUp,        TL,      W::Always, G::Move, "a page of transactions up", None),
    b(ctrl('u'),         A::PageUp,        TL,      W::Always, G::Move, "", None),
    b(code(K::PageDown), A::PageDown,      TL,      W::Always, G::Move, "a page of transactions down", None),
    b(ctrl('d'),         A::PageDown,      TL,      W::Always, G::Move, "", None),
    b(code(K::Enter),    A::Activate,      TL,      W::Always, G::Move, "open the transaction's DAG", Some("open")),
    b(code(K::Esc),      A::Back,          TL,      W::Always, G::Move, "back to the DAG", Some("back")),
    b(ch('x'),           A::Mark,          TL,      W::Always, G::View, "mark / unmark the transaction for the ledger", Some("mark")),
    b(ch('L'),           A::ToggleLedger,  TL,      W::Always, G::View, "ledger of the marked transactions (of the session when none is)", Some("ledger")),
    b(ch('t'),           A::Back,          TL,      W::Always, G::Move, "", None),
    // The gas report (`m`): a row per method, where the selected one's gas went under them.
    b(code(K::Up),       A::Up,            GR,      W::Always, G::Move, "previous method", None),
    b(ch('k'),           A::Up,            GR,      W::Always, G::Move, "", None),
    b(code(K::Down),     A::Down,          GR,      W::Always, G::Move, "next method", Some("move")),
    b(ch('j'),           A::Down,          GR,      W::Always, G::Move, "", None),
    b(ch('g'),           A::First,         GR,      W::Always, G::Move, "the first method", None),
    b(ch('G'),           A::Last,          GR,      W::Always, G::Move, "the last method", None),
    b(code(K::PageUp),   A::PageUp,        GR,      W::Always, G::Move, "a page of methods up", None),
    b(ctrl('u'),         A::PageUp,        GR,      W::Always, G::Move, "", None),
    b(code(K::PageDown), A::PageDown,      GR,      W::Always, G::Move, "a page of methods down", None),
    b(ctrl('d'),         A::PageDown,      GR,      W::Always, G::Move, "", None),
    b(code(K::Enter),    A::Activate,      GR,      W::Always, G::Move, "open the method's costliest call", Some("open")),
    b(code(K::Esc),      A::Back,          GR,      W::Always, G::Move, "back to the DAG", Some("back")),
    b(ch('B'),           A::GasBreakdown,  GR,      W::Always, G::View, "gas chart: by group / every single cost", Some("by group/cost")),
    b(ch('u'),           A::CycleGasUnit,  GR,      W::Always, G::View, "gas in Tgas, gas units or NEAR", None),
    b(ch('m'),           A::Back,          GR,      W::Always, G::Move, "", None),
    // The DAG of the open transaction.
    b(code(K::Up),       A::Up,            DAG,     W::Always, G::Move, "previous receipt above / previous item", None),
    b(ch('k'),           A::Up,            DAG,     W::Always, G::Move, "", None),
    b(code(K::Down),     A::Down,          DAG,     W::Always, G::Move, "next receipt below / next item", None),
    b(ch('j'),           A::Down,          DAG,     W::Always, G::Move, "", None),
    b(code(K::Left),     A::Left,          DAG,     W::Always, G::Move, "receipt in the earlier block", None),
    b(ch('h'),           A::Left,          DAG,     W::Always, G::Move, "", None),
    b(code(K::Right),    A::Right,         DAG,     W::Always, G::Move, "receipt in the later block", Some("move")),
    b(ch('l'),           A::Right,         DAG,     W::Always, G::Move, "", None),
    b(ch('g'),           A::First,         DAG,     W::Always, G::Move, "the transaction (first node)", None),
    b(ch('G'),           A::Last,          DAG,     W::Always, G::Move, "the last receipt", None),
    b(code(K::PageUp),   A::PageUp,        DAG,     W::Always, G::Move, "scroll the DAG up", None),
    b(ctrl('u'),         A::PageUp,        DAG,     W::Always, G::Move, "", None),
    b(code(K::PageDown), A::PageDown,      DAG,     W::Always, G::Move, "scroll the DAG down", None),
    b(ctrl('d'),         A::PageDown,      DAG,     W::Always, G::Move, "", None),
    b(code(K::Tab),      A::FocusNext,     DAG,     W::Always, G::Move, "focus the next panel (DAG, calls, history)", Some("panel")),
    b(code(K::BackTab),  A::FocusPrev,     DAG,     W::Always, G::Move, "focus the previous panel", None),
    b(code(K::Enter),    A::Activate,      DAG,     W::Always, G::Move, "bigger details · send the call · open the tx", Some("details")),
    b(code(K::Esc),      A::Back,          DAG,     W::Always, G::Move, "close help / shrink details / back to the DAG", None),
    b(ch('['),           A::PrevTx,        DAG,     W::Always, G::Move, "open the previous transaction", None),
    b(ch(']'),           A::NextTx,        DAG,     W::Always, G::Move, "open the next transaction", Some("tx")),
    b(ch('r'),           A::ToggleRefunds, DAG,     W::Always, G::View, "show / hide gas refunds", Some("refunds")),
    b(ch('u'),           A::CycleGasUnit,  DAG,     W::Always, G::View, "gas in Tgas, gas units or NEAR", Some("units")),
    b(ch('z'),           A::ZoomIn,        DAG,     W::Always, G::View, "zoom in (wider nodes with arguments)", None),
    b(ch('Z'),           A::ZoomOut,       DAG,     W::Always, G::View, "zoom out (one line per receipt)", Some("zoom")),
    b(ch('c'),           A::Collapse,      DAG,     W::Always, G::View, "fold / unfold what the selected receipt created", None),
    b(ch('C'),           A::ExpandAll,     DAG,     W::Always, G::View, "unfold everything", None),
    b(ch('t'),           A::Timeline,      DAG,     W::Always, G::View, "timeline of every transaction, by block", None),
    b(ch('w'),           A::ToggleExplain, (M::LIVE_REPLAY, V::DAG), W::Always, G::View, "workshop notes beside the DAG", None),
    b(ch('?'),           A::Help,          ALL,     W::Always, G::View, "this help", Some("help")),
    b(ch('L'),           A::ToggleLedger,  DAG,     W::LedgerKnown, G::View, "ledger: where did the NEAR go? (open transaction)", Some("ledger")),
    b(ch('b'),           A::ToggleGas,     DAG,     W::Always, G::View, "where the selected receipt's gas went", Some("gas")),
    b(ch('B'),           A::GasBreakdown,  DAG,     W::Always, G::View, "gas chart: by group / every single cost", None),
    b(ch('m'),           A::GasReport,     DAG,     W::Always, G::View, "gas report: min / median / max per method", None),
    b(ch('v'),           A::ToggleRawValues, DAG,       W::StateShown, G::View, "state values readable / raw (base64, yoctoNEAR)", None),
    b(ch('q'),           A::Quit,          ALL,     W::Always, G::View, "quit", Some("quit")),
    b(ctrl('c'),         A::Quit,          ALL,     W::Always, G::View, "", None),
    b(ch('1'),           A::SendCall(0),   LIVE,    W::CallExists, G::Live, "send that scenario call", Some("call")),
    b(ch('2'),           A::SendCall(1),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('3'),           A::SendCall(2),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('4'),           A::SendCall(3),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('5'),           A::SendCall(4),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('6'),           A::SendCall(5),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('7'),           A::SendCall(6),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('8'),           A::SendCall(7),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('9'),           A::SendCall(8),   LIVE,    W::CallExists, G::Live, "", None),
    b(ch('n'),           A::NextBlock,     LIVE,    W::ManualBlocks, G::Live, "produce one block (chain paused)", Some("next block")),
    b(ch(' '),           A::PlayPause,     LIVE,    W::CanPause, G::Live, "pause / resume block production", Some("pause")),
    b(ch('s'),           A::Save,          LIVE,    W::Always, G::Live, "save the session as a fixture", Some("save")),
    b(ch('R'),           A::RestartEngine, LIVE,    W::EngineDown, G::Live, "restart the stopped engine (history is kept)", Some("restart")),
    b(ch(' '),           A::PlayPause,     REPLAY,  W::Always, G::Replay, "play / pause", Some("play")),
    b(ch('n'),           A::NextBlock,     REPLAY,  W::Always, G::Replay, "step one block forward", Some("step")),
    b(ch('p'),           A::PrevBlock,     REPLAY,  W::Always, G::Replay, "step one block back", None),
    b(ch('+'),           A::Faster,        REPLAY,  W::Always, G::Replay, "faster (up to 8×)", Some("speed")),
    b(ch('='),           A::Faster,        REPLAY,  W::Always, G::Replay, "", None),
    b(ch('-'),           A::Slower,        REPLAY,  W::Always, G::Replay, "slower (down to 0.25×)", None),
    b(code(K::Home),     A::ReplayStart,   REPLAY,  W::Always, G::Replay, "back to the start", None),
    b(code(K::End),      A::ReplayEnd,     REPLAY,  W::Always, G::Replay, "jump to the end", None),
];

impl Binding {
    /// Whether the binding is in the table for this mode and screen (enabled or not).
    fn bound(&self, ctx: &Context) -> bool {
        self.modes.contains(ctx.mode) && self.views.contains(ctx.view)
    }
}

/// The binding for a key press in the context's mode and screen (enabled or not: the app says
/// why not).
pub fn lookup(event: &KeyEvent, ctx: &Context) -> Option<&'static Binding> {
    BINDINGS.iter().find(|binding| binding.bound(ctx) && binding.key.matches(event))
}

/// The binding that carries an action's help text (its first line in the table for the
/// context's mode and screen).
pub fn describe(action: Action, ctx: &Context) -> Option<&'static Binding> {
    BINDINGS.iter().find(|b| b.action.same_kind(action) && b.bound(ctx))
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
            view: Views::DAG,
            engine_ready: true,
            engine_down: false,
            calls,
            can_pause: true,
            manual_blocks: false,
            state_shown: false,
            ledger: false,
        }
    }

    /// The DAG screen in `mode`.
    fn on_dag(mode: Modes) -> Context {
        Context { mode, ..live(0) }
    }

    #[test]
    fn vim_keys_and_arrows_do_the_same() {
        for (a, b) in
            [(KeyCode::Up, 'k'), (KeyCode::Down, 'j'), (KeyCode::Left, 'h'), (KeyCode::Right, 'l')]
        {
            let arrow = lookup(&key(a), &on_dag(Modes::LIVE)).map(|b| b.action);
            let vim = lookup(&key(KeyCode::Char(b)), &on_dag(Modes::LIVE)).map(|b| b.action);
            assert!(arrow.is_some());
            assert_eq!(arrow, vim);
        }
    }

    #[test]
    fn the_same_key_means_different_things_per_mode() {
        let n = key(KeyCode::Char('n'));
        assert_eq!(lookup(&n, &on_dag(Modes::LIVE)).map(|b| b.action), Some(Action::NextBlock));
        assert_eq!(
            lookup(&n, &on_dag(Modes::REPLAY)).map(|b| b.help),
            Some("step one block forward")
        );
        assert!(lookup(&n, &on_dag(Modes::VIEWER)).is_none());
        assert!(lookup(&key(KeyCode::Char('5')), &on_dag(Modes::REPLAY)).is_none());
    }

    #[test]
    fn send_call_carries_its_number() {
        let five = lookup(&key(KeyCode::Char('5')), &on_dag(Modes::LIVE)).map(|b| b.action);
        assert_eq!(five, Some(Action::SendCall(4)));
    }

    #[test]
    fn no_key_is_bound_twice_on_one_screen_in_one_mode() {
        for mode in [Modes::LIVE, Modes::REPLAY, Modes::VIEWER] {
            for view in [Views::DAG, Views::TIMELINE, Views::GAS_REPORT] {
                let ctx = Context { view, ..on_dag(mode) };
                let mut seen = Vec::new();
                for binding in BINDINGS.iter().filter(|b| b.bound(&ctx)) {
                    assert!(
                        !seen.contains(&binding.key),
                        "{:?} bound twice in {mode:?} {view:?}",
                        binding.key
                    );
                    seen.push(binding.key);
                }
            }
        }
    }

    #[test]
    fn the_timeline_has_its_own_keys_and_not_the_dags() {
        let timeline =
            Context { view: Views::TIMELINE, state_shown: true, ledger: true, ..live(4) };
        let action = |c: char| lookup(&key(KeyCode::Char(c)), &timeline).map(|b| b.action);
        for c in ['c', 'C', 'z', 'Z', 'v', '[', ']', 'r', 'u', 'w'] {
            assert_eq!(action(c), None, "`{c}` acts on the DAG, which the timeline hides");
        }
        assert_eq!(action('t'), Some(Action::Back), "t closes the timeline");
        assert_eq!(action('x'), Some(Action::Mark), "x marks rows for the ledger");
        let ledger = describe(Action::ToggleLedger, &timeline).map(|b| b.help);
        assert_eq!(
            ledger,
            Some("ledger of the marked transactions (of the session when none is)"),
            "L is the timeline's own ledger, not the open transaction's"
        );
        assert_eq!(action('1'), Some(Action::SendCall(0)), "calls can be sent from it");
        assert_eq!(action('q'), Some(Action::Quit));
        let described = |a: Action| describe(a, &timeline).map(|b| b.help);
        assert_eq!(described(Action::Down), Some("next transaction"));
        assert_eq!(described(Action::Activate), Some("open the transaction's DAG"));
        assert_eq!(keys_label(Action::Back, &timeline), "esc/t");
        let actions: Vec<Action> = enabled_actions(&timeline).map(|b| b.action).collect();
        for hidden in [Action::Collapse, Action::ZoomIn, Action::ToggleRawValues, Action::NextTx] {
            assert!(!actions.contains(&hidden), "{hidden:?} is not advertised");
        }
    }

    #[test]
    fn the_gas_keys_are_the_dags_and_the_report_has_its_own() {
        let dag = live(4);
        let action = |ctx: &Context, c: char| lookup(&key(KeyCode::Char(c)), ctx).map(|b| b.action);
        assert_eq!(action(&dag, 'b'), Some(Action::ToggleGas));
        assert_eq!(action(&dag, 'B'), Some(Action::GasBreakdown));
        assert_eq!(action(&dag, 'm'), Some(Action::GasReport));
        let report = Context { view: Views::GAS_REPORT, ..dag };
        assert_eq!(action(&report, 'm'), Some(Action::Back), "m closes the report");
        assert_eq!(action(&report, 'B'), Some(Action::GasBreakdown));
        assert_eq!(action(&report, 'b'), None, "no receipt is selected there");
        assert_eq!(action(&report, '1'), Some(Action::SendCall(0)), "calls can be sent from it");
        assert_eq!(keys_label(Action::Back, &report), "esc/m");
        let described = |a: Action| describe(a, &report).map(|b| b.help);
        assert_eq!(described(Action::Down), Some("next method"));
        for c in ['c', 'z', 'r', 't', 'L', 'x'] {
            assert_eq!(action(&report, c), None, "`{c}` is not a key of the report");
        }
    }

    #[test]
    fn modifiers_compare_exactly() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_c, &on_dag(Modes::LIVE)).map(|b| b.action), Some(Action::Quit));
        assert_eq!(
            lookup(&key(KeyCode::Char('c')), &on_dag(Modes::LIVE)).map(|b| b.action),
            Some(Action::Collapse)
        );
        let alt_q = KeyEvent::new(KeyCode::Char('q'), KeyModifiers::ALT);
        assert!(lookup(&alt_q, &on_dag(Modes::LIVE)).is_none(), "alt-q is not q");
        let ctrl_alt_c =
            KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL | KeyModifiers::ALT);
        assert!(lookup(&ctrl_alt_c, &on_dag(Modes::LIVE)).is_none());
        let ctrl_up = KeyEvent::new(KeyCode::Up, KeyModifiers::CONTROL);
        assert!(lookup(&ctrl_up, &on_dag(Modes::LIVE)).is_none());
        // Shift is part of an upper-case character and of BackTab.
        let shift_g = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(lookup(&shift_g, &on_dag(Modes::LIVE)).map(|b| b.action), Some(Action::Last));
        let back_tab = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(
            lookup(&back_tab, &on_dag(Modes::LIVE)).map(|b| b.action),
            Some(Action::FocusPrev)
        );
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
