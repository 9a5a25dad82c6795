//! The README's first command, as written, through the shells users type it into: `sh` always, and `zsh` (the
//! macOS default, which refuses an unquoted `*` that matches no file) where it is installed.

use std::path::Path;
use std::process::Command;

/// The README's first shell command: the first line of its first ```sh block that is not a comment.
fn readme_first_command() -> String {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(root.join("README.md")).expect("README.md is readable");
    let block = text.split("```sh\n").nth(1).expect("README has a ```sh block");
    block
        .lines()
        .take_while(|l| !l.starts_with("```"))
        .find(|l| !l.trim().is_empty() && !l.trim_start().starts_with('#'))
        .expect("the first ```sh block has a command")
        .to_string()
}

/// The command with `cargo run --release --` replaced by the binary this test was built with (same arguments,
/// same quoting), so the test does not rebuild the crate in release.
fn as_binary(command: &str) -> String {
    let prefix = "cargo run --release --";
    assert!(
        command.starts_with(prefix),
        "the README's first command should start with `{prefix}`: {command}"
    );
    format!("'{}'{}", env!("CARGO_BIN_EXE_eisfit"), &command[prefix.len()..])
}

fn run_in(shell: &str, command: &str) -> Option<String> {
    let out = match Command::new(shell)
        .arg("-c")
        .arg(command)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .output()
    {
        Ok(o) => o,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
            eprintln!("skipping {shell}: not installed");
            return None;
        }
        Err(e) => panic!("{shell} could not start: {e}"),
    };
    assert!(
        out.status.success(),
        "{shell} -c failed on the README's first command:\n{command}\nstderr:\n{}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(String::from_utf8(out.stdout).expect("stdout is UTF-8"))
}

#[test]
fn the_readmes_first_command_runs_as_written_in_sh_and_zsh() {
    let command = as_binary(&readme_first_command());
    let mut ran = 0;
    for shell in ["sh", "zsh"] {
        if let Some(stdout) = run_in(shell, &command) {
            // The README promises activation energies and a conductivity from this command.
            assert!(
                stdout.contains("E_A ="),
                "{shell}: no activation energy printed:\n{stdout}"
            );
            assert!(stdout.contains("σ ="), "{shell}: no conductivity printed:\n{stdout}");
            ran += 1;
        }
    }
    assert!(ran >= 1, "neither sh nor zsh could run");
}

#[test]
fn every_documented_expression_with_a_star_is_quoted() {
    // An unquoted `*` in an argument is a glob: zsh stops with "no matches found". Every command line in the
    // README and the docs that passes a `*` must quote it.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut files = vec![root.join("README.md")];
    for entry in std::fs::read_dir(root.join("docs")).expect("docs/ is readable") {
        let p = entry.expect("docs entry").path();
        if p.extension().is_some_and(|e| e == "md") {
            files.push(p);
        }
    }
    for file in files {
        let text = std::fs::read_to_string(&file).expect("doc is readable");
        let mut in_shell = false;
        for (no, line) in text.lines().enumerate() {
            if line.starts_with("```") {
                in_shell = line.starts_with("```sh") || line.starts_with("```bash") || line.starts_with("```console");
                continue;
            }
            if !in_shell || line.trim_start().starts_with('#') {
                continue;
            }
            for word in unquoted_words(line) {
                // File globs (`runs/*.DTA`) are meant; an expression after `=` is not.
                assert!(
                    !(word.contains('=') && (word.contains('*') || word.contains('?'))),
                    "{}:{}: unquoted glob character in `{word}`",
                    file.display(),
                    no + 1
                );
            }
        }
    }
}

/// The parts of a shell line outside single and double quotes (a coarse split, enough for documentation).
fn unquoted_words(line: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut quote: Option<char> = None;
    for c in line.chars() {
        match (quote, c) {
            (None, '\'' | '"') => quote = Some(c),
            (Some(q), c) if c == q => quote = None,
            (Some(_), _) => {}
            (None, ' ') => words.push(std::mem::take(&mut cur)),
            (None, c) => cur.push(c),
        }
    }
    words.push(cur);
    // A trailing comment is not a command.
    let end = words.iter().position(|w| w.starts_with('#')).unwrap_or(words.len());
    words.truncate(end);
    words.into_iter().filter(|w| !w.is_empty()).collect()
}
