/// Text as one word a POSIX shell reads back unchanged, for remedies that show a command
/// line (`--na 'n/a'`, `--exclude 'it'\''s'`).
enum ShellQuoting {
    /// `text` in single quotes, each `'` inside written `'\''`.
    static func quoted(_ text: String) -> String {
        "'" + text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "'\\''") + "'"
    }
}
