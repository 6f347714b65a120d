//! Replays the fuzz corpus and every crash found (`fuzz/corpus/<target>/*`
//! and `fuzz/artifacts/<target>/*`) through the fuzz targets' own checks,
//! on the stable toolchain, so CI guards the regressions without nightly.

#[path = "../../../../fuzz/checks.rs"]
mod checks;

use std::path::Path;

#[test]
fn fuzz_corpus_and_artifacts_replay() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz");
    let mut replayed = 0;
    for target in checks::TARGETS {
        for dir in ["corpus", "artifacts"] {
            let Ok(entries) = std::fs::read_dir(root.join(dir).join(target)) else {
                continue;
            };
            let mut files: Vec<_> = entries.flatten().map(|e| e.path()).collect();
            files.sort();
            for file in files {
                let data = std::fs::read(&file).unwrap();
                let outcome = std::panic::catch_unwind(|| checks::run(target, &data));
                assert!(
                    outcome.is_ok(),
                    "{target}: {} fails its checks",
                    file.display()
                );
                replayed += 1;
            }
        }
    }
    // The committed seed corpus: at least one input per target.
    assert!(replayed >= checks::TARGETS.len(), "replayed {replayed}");
}

#[test]
fn fuzz_checks_run_on_simple_inputs() {
    // Every target on a few fixed byte strings (also a smoke test of the
    // decoders when the corpus is missing).
    for target in checks::TARGETS {
        for data in [
            &b""[..],
            &[0u8; 64][..],
            &[0xff; 64][..],
            &(0..=255).collect::<Vec<u8>>()[..],
        ] {
            checks::run(target, data);
        }
    }
}
