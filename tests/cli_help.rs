//! Every subcommand's `--help` teaches: each option has a one-line explanation, and the text ends with examples
//! that run the subcommand.

mod common;

use assert_cmd::Command;

const SUBCOMMANDS: [&str; 7] = ["fit", "series", "plot", "simulate", "arrhenius", "energy", "read"];

fn help(sub: &str) -> String {
    common::stdout_text(Command::cargo_bin("eisfit").unwrap().args([sub, "--help"]))
}

#[test]
fn every_subcommand_help_ends_with_examples() {
    for sub in SUBCOMMANDS {
        let h = help(sub);
        let tail = &h[h
            .rfind("Examples:")
            .unwrap_or_else(|| panic!("{sub}: no examples\n{h}"))..];
        let lines: Vec<&str> = tail.lines().skip(1).filter(|l| !l.trim().is_empty()).collect();
        assert!(!lines.is_empty(), "{sub}: empty examples");
        // Comment lines (`# what this does`) may introduce an example.
        let first = lines
            .iter()
            .map(|l| l.trim_start())
            .find(|l| !l.starts_with('#'))
            .unwrap_or_else(|| panic!("{sub}: no example command"));
        assert!(first.starts_with(&format!("eisfit {sub}")), "{sub}: example {first:?}");
        // Nothing but examples (and their continuation lines) after the heading.
        for l in &lines {
            assert!(l.starts_with("  "), "{sub}: {l:?} after the examples");
        }
    }
}

#[test]
fn every_option_is_explained_and_no_default_is_printed_twice() {
    for sub in SUBCOMMANDS {
        let full = help(sub);
        // The options, not the examples.
        let h = &full[..full.find("Examples:").unwrap_or(full.len())];
        for l in h.lines() {
            assert!(l.matches("[default:").count() <= 1, "{sub}: {l:?}");
        }
        // In the long help, each option line is followed by its explanation.
        let lines: Vec<&str> = h.lines().collect();
        for (i, l) in lines.iter().enumerate() {
            if l.trim_start().starts_with("--") && !l.contains("--help") {
                let next = lines.get(i + 1).map_or("", |n| n.trim());
                assert!(!next.is_empty(), "{sub}: option {l:?} has no explanation");
            }
        }
        // The long help repeats the default after a blank line when the doc also names it: not twice.
        let blocks: Vec<&str> = h.split("\n\n").collect();
        for b in blocks.windows(2) {
            let d0 = b[0].trim_end().rsplit('\n').next().unwrap_or("");
            if d0.trim_end().ends_with(']') && d0.contains("[default:") {
                assert!(
                    !b[1].trim_start().starts_with("[default:"),
                    "{sub}: default printed twice near {d0:?}"
                );
            }
        }
    }
}
