//! The one table of keys: `App::update` looks actions up here and the `?` help is drawn from it.

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
    /// `1`-`9`: send that scenario call.
    SendCall,
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

/// A key as written in the table.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Key {
    Char(char),
    Ctrl(char),
    Code(KeyCode),
}

impl Key {
    fn matches(self, event: &KeyEvent) -> bool {
        let ctrl = event.modifiers.contains(KeyModifiers::CONTROL);
        match self {
            Key::Char(c) => !ctrl && event.code == KeyCode::Char(c),
            Key::Ctrl(c) => ctrl && event.code == KeyCode::Char(c),
            Key::Code(code) => event.code == code,
        }
    }

    pub fn label(self) -> String {
        match self {
            Key::Char(' ') => "space".into(),
            Key::Char(c) => c.to_string(),
            Key::Ctrl(c) => format!("ctrl-{c}"),
            Key::Code(KeyCode::Up) => "↑".into(),
            Key::Code(KeyCode::Down) => "↓".into(),
            Key::Code(KeyCode::Left) => "←".into(),
            Key::Code(KeyCode::Right) => "→".into(),
            Key::Code(KeyCode::Enter) => "enter".into(),
            Key::Code(KeyCode::Esc) => "esc".into(),
            Key::Code(KeyCode::Tab) => "tab".into(),
            Key::Code(KeyCode::BackTab) => "shift-tab".into(),
            Key::Code(KeyCode::PageUp) => "pgup".into(),
            Key::Code(KeyCode::PageDown) => "pgdn".into(),
            Key::Code(KeyCode::Home) => "home".into(),
            Key::Code(KeyCode::End) => "end".into(),
            Key::Code(other) => format!("{other:?}").to_lowercase(),
        }
    }
}

#[derive(Clone, Copy, Debug)]
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

pub struct Binding {
    pub keys: &'static [Key],
    pub action: Action,
    pub modes: Modes,
    pub group: Group,
    pub help: &'static str,
    /// Short label for the footer, if it belongs there.
    pub footer: Option<&'static str>,
}

impl Binding {
    /// `←/h`, `1-9`: how the help and footer name the keys.
    pub fn key_label(&self) -> String {
        if self.action == Action::SendCall {
            return "1-9".into();
        }
        self.keys.iter().map(|k| k.label()).collect::<Vec<_>>().join("/")
    }
}

use Key::{Char, Code, Ctrl};

const fn b(
    keys: &'static [Key],
    action: Action,
    modes: Modes,
    group: Group,
    help: &'static str,
    footer: Option<&'static str>,
) -> Binding {
    Binding { keys, action, modes, group, help, footer }
}

/// Every key of nearviz.
pub static BINDINGS: &[Binding] = &[
    b(
        &[Code(KeyCode::Up), Char('k')],
        Action::Up,
        Modes::ALL,
        Group::Move,
        "previous receipt above / previous item",
        None,
    ),
    b(
        &[Code(KeyCode::Down), Char('j')],
        Action::Down,
        Modes::ALL,
        Group::Move,
        "next receipt below / next item",
        None,
    ),
    b(
        &[Code(KeyCode::Left), Char('h')],
        Action::Left,
        Modes::ALL,
        Group::Move,
        "receipt in the earlier block",
        None,
    ),
    b(
        &[Code(KeyCode::Right), Char('l')],
        Action::Right,
        Modes::ALL,
        Group::Move,
        "receipt in the later block",
        Some("move"),
    ),
    b(&[Char('g')], Action::First, Modes::ALL, Group::Move, "the transaction (first node)", None),
    b(&[Char('G')], Action::Last, Modes::ALL, Group::Move, "the last receipt", None),
    b(
        &[Code(KeyCode::PageUp), Ctrl('u')],
        Action::PageUp,
        Modes::ALL,
        Group::Move,
        "scroll the DAG up",
        None,
    ),
    b(
        &[Code(KeyCode::PageDown), Ctrl('d')],
        Action::PageDown,
        Modes::ALL,
        Group::Move,
        "scroll the DAG down",
        None,
    ),
    b(
        &[Code(KeyCode::Tab)],
        Action::FocusNext,
        Modes::ALL,
        Group::Move,
        "focus the next panel (DAG, calls, history)",
        Some("panel"),
    ),
    b(
        &[Code(KeyCode::BackTab)],
        Action::FocusPrev,
        Modes::ALL,
        Group::Move,
        "focus the previous panel",
        None,
    ),
    b(
        &[Code(KeyCode::Enter)],
        Action::Activate,
        Modes::ALL,
        Group::Move,
        "bigger details · send the call · open the tx",
        Some("details"),
    ),
    b(
        &[Code(KeyCode::Esc)],
        Action::Back,
        Modes::ALL,
        Group::Move,
        "close help / shrink details / back to the DAG",
        None,
    ),
    b(&[Char('[')], Action::PrevTx, Modes::ALL, Group::Move, "open the previous transaction", None),
    b(
        &[Char(']')],
        Action::NextTx,
        Modes::ALL,
        Group::Move,
        "open the next transaction",
        Some("tx"),
    ),
    b(
        &[Char('r')],
        Action::ToggleRefunds,
        Modes::ALL,
        Group::View,
        "show / hide gas refunds",
        Some("refunds"),
    ),
    b(
        &[Char('u')],
        Action::CycleGasUnit,
        Modes::ALL,
        Group::View,
        "gas in Tgas, gas units or NEAR",
        Some("units"),
    ),
    b(
        &[Char('z')],
        Action::ZoomIn,
        Modes::ALL,
        Group::View,
        "zoom in (wider nodes with arguments)",
        None,
    ),
    b(
        &[Char('Z')],
        Action::ZoomOut,
        Modes::ALL,
        Group::View,
        "zoom out (one line per receipt)",
        Some("zoom"),
    ),
    b(
        &[Char('c')],
        Action::Collapse,
        Modes::ALL,
        Group::View,
        "fold / unfold what the selected receipt created",
        None,
    ),
    b(&[Char('C')], Action::ExpandAll, Modes::ALL, Group::View, "unfold everything", None),
    b(
        &[Char('w')],
        Action::ToggleExplain,
        Modes::LIVE_REPLAY,
        Group::View,
        "workshop notes beside the DAG",
        None,
    ),
    b(&[Char('?')], Action::Help, Modes::ALL, Group::View, "this help", Some("help")),
    b(&[Char('q'), Ctrl('c')], Action::Quit, Modes::ALL, Group::View, "quit", Some("quit")),
    b(
        &[
            Char('1'),
            Char('2'),
            Char('3'),
            Char('4'),
            Char('5'),
            Char('6'),
            Char('7'),
            Char('8'),
            Char('9'),
        ],
        Action::SendCall,
        Modes::LIVE,
        Group::Live,
        "send that scenario call",
        Some("call"),
    ),
    b(
        &[Char('n')],
        Action::NextBlock,
        Modes::LIVE,
        Group::Live,
        "produce one block (manual blocks)",
        Some("next block"),
    ),
    b(
        &[Char(' ')],
        Action::PlayPause,
        Modes::LIVE,
        Group::Live,
        "pause / resume block production (manual blocks)",
        Some("pause"),
    ),
    b(
        &[Char('s')],
        Action::Save,
        Modes::LIVE,
        Group::Live,
        "save the session as a fixture",
        Some("save"),
    ),
    b(
        &[Char('R')],
        Action::RestartEngine,
        Modes::LIVE,
        Group::Live,
        "restart a stopped engine (history is kept)",
        None,
    ),
    b(&[Char(' ')], Action::PlayPause, Modes::REPLAY, Group::Replay, "play / pause", Some("play")),
    b(
        &[Char('n')],
        Action::NextBlock,
        Modes::REPLAY,
        Group::Replay,
        "step one block forward",
        Some("step"),
    ),
    b(&[Char('p')], Action::PrevBlock, Modes::REPLAY, Group::Replay, "step one block back", None),
    b(
        &[Char('+'), Char('=')],
        Action::Faster,
        Modes::REPLAY,
        Group::Replay,
        "faster (up to 8×)",
        Some("speed"),
    ),
    b(&[Char('-')], Action::Slower, Modes::REPLAY, Group::Replay, "slower (down to 0.25×)", None),
    b(
        &[Code(KeyCode::Home)],
        Action::ReplayStart,
        Modes::REPLAY,
        Group::Replay,
        "back to the start",
        None,
    ),
    b(
        &[Code(KeyCode::End)],
        Action::ReplayEnd,
        Modes::REPLAY,
        Group::Replay,
        "jump to the end",
        None,
    ),
];

/// The binding for a key press in a mode.
pub fn lookup(event: &KeyEvent, mode: Modes) -> Option<&'static Binding> {
    BINDINGS.iter().find(|binding| {
        binding.modes.contains(mode) && binding.keys.iter().any(|k| k.matches(event))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(code: KeyCode) -> KeyEvent {
        KeyEvent::new(code, KeyModifiers::NONE)
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
        assert_eq!(
            lookup(&n, Modes::LIVE).map(|b| b.help),
            Some("produce one block (manual blocks)")
        );
        assert_eq!(lookup(&n, Modes::REPLAY).map(|b| b.help), Some("step one block forward"));
        assert!(lookup(&n, Modes::VIEWER).is_none());
        assert!(lookup(&key(KeyCode::Char('5')), Modes::REPLAY).is_none());
    }

    #[test]
    fn no_key_is_bound_twice_in_one_mode() {
        for mode in [Modes::LIVE, Modes::REPLAY, Modes::VIEWER] {
            let mut seen = Vec::new();
            for binding in BINDINGS.iter().filter(|b| b.modes.contains(mode)) {
                for k in binding.keys {
                    assert!(!seen.contains(k), "{k:?} bound twice in {mode:?}");
                    seen.push(*k);
                }
            }
        }
    }

    #[test]
    fn ctrl_c_quits_but_c_collapses() {
        let ctrl_c = KeyEvent::new(KeyCode::Char('c'), KeyModifiers::CONTROL);
        assert_eq!(lookup(&ctrl_c, Modes::LIVE).map(|b| b.action), Some(Action::Quit));
        assert_eq!(
            lookup(&key(KeyCode::Char('c')), Modes::LIVE).map(|b| b.action),
            Some(Action::Collapse)
        );
    }
}
