/// Spelling a value so that it can be pasted into a POSIX shell as one word.
enum ShellQuoting {
    /// `value` as one shell word: unchanged when it holds only safe characters, otherwise in
    /// single quotes, each single quote inside written as `'\''` (so `n'a` becomes `'n'\''a'`).
    static func quote(_ value: String) -> String {
        let safe = value.unicodeScalars.allSatisfy { c in
            (c >= "a" && c <= "z") || (c >= "A" && c <= "Z") || (c >= "0" && c <= "9") || "-_./:,+=@%".unicodeScalars.contains(c)
        }
        if safe && !value.isEmpty { return value }
        return "'" + value.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

import Foundation
