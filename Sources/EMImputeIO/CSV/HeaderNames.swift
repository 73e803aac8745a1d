/// The one rule that names the columns of a CSV, used by every reader (the loader, and
/// `ModelApplier` matching a model's columns), so that a model fitted on a file applies to
/// that same file.
///
/// - With a header, a column is named by its header cell, without the spaces and tabs
///   around it (the trimming rule of cells and missing-value codes, `MissingTokens.trimmed`).
/// - A column whose header cell is empty, and every column of a file read without a header,
///   is named `V` and its 1-based position: `V3`.
/// - Such a made-up name never takes a name that the header gives another column: when `V3`
///   is taken, the column is `V3_2` (or `V3_3`, …, the first that is free).
/// - Two header cells with the same name are an error: columns are matched by name.
enum HeaderNames {
    /// The names of the columns of a file without a header: `V1` … `Vcount`.
    static func positional(count: Int) -> [String] {
        (0..<count).map { "V\($0 + 1)" }
    }

    /// The names given by the header cells `cells` (as the parser delivered them).
    ///
    /// - Throws: `CSVError` `.duplicateColumnName` at `file:line:column` for a repeated name.
    /// - Complexity: O(total length of the cells).
    static func names(header cells: [[UInt8]], file: String, line: Int) throws(CSVError) -> [String] {
        let given = cells.map { String(decoding: MissingTokens.trimmed($0), as: UTF8.self) }
        var firstColumn: [String: Int] = [:]
        for (j, name) in given.enumerated() where !name.isEmpty {
            if let first = firstColumn[name] {
                throw CSVError(file: file, line: line, column: j + 1, kind: .duplicateColumnName(name: name, firstColumn: first))
            }
            firstColumn[name] = j + 1
        }
        var taken = Set(firstColumn.keys)
        return given.enumerated().map { j, name in
            guard name.isEmpty else { return name }
            let base = "V\(j + 1)"
            var made = base
            var suffix = 2
            while taken.contains(made) {
                made = "\(base)_\(suffix)"
                suffix += 1
            }
            taken.insert(made)
            return made
        }
    }
}
