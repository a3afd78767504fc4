//! The fixture/capture loader: any bytes either load (and their DAG builds and prints) or give
//! an error naming the file. Never a panic.
#![no_main]

use libfuzzer_sys::fuzz_target;
use std::path::Path;

fuzz_target!(|data: &[u8]| {
    let path = Path::new("fuzzed.json");
    match nearviz::fixture::parse(data, path) {
        Ok(recording) => {
            let dag = nearviz::model::Trace::from_events(recording.chain_events()).dag();
            let mut out = Vec::new();
            let _ = nearviz::output::tree(&dag, &mut out);
            let _ = nearviz::output::json(&dag, &mut out);
        }
        Err(err) => assert!(err.to_string().contains("fuzzed.json"), "{err}"),
    }
});
