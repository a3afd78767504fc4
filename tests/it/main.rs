//! The end-to-end tests of nearviz as one test binary (`cargo nextest run -p nearviz-tests
//! --test it`): the real `nearviz` binary in a real terminal (tmux), one module per area. The
//! real-neard tests are their own binary (`sandbox.rs`), so they run alone against neard.

mod e2e_exit;
mod e2e_live;
mod e2e_replay;
mod e2e_small;
mod e2e_timeline;
