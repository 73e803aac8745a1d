import ArgumentParser
import EMImpute

/// How to read the input CSV: shared by every command that reads one.
struct InputOptions: ParsableArguments {
    @Argument(help: "The input CSV file, or - for standard input.")
    var input: String

    @OptionGroup var dialect: DialectOptions

    @Option(name: .customLong("na"), parsing: .unconditionalSingleValue,
            help: ArgumentHelp("An extra missing-value code, e.g. --na -99 (repeatable). The defaults are the empty cell, NA, N/A, NaN, nan, ., ?, null, NULL.", valueName: "code"))
    var missingCodes: [String] = []

    @Flag(help: "Use only the --na codes, not the defaults.")
    var naOnly = false

    @Option(parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Model only these numeric columns (comma-separated names; repeatable, the lists add up).", valueName: "names"))
    var columns: [String] = []

    @Option(parsing: .unconditionalSingleValue,
            help: ArgumentHelp("Never model these columns (comma-separated names; repeatable, the lists add up); they pass through untouched.", valueName: "names"))
    var exclude: [String] = []

    mutating func validate() throws {
        if naOnly && missingCodes.isEmpty { throw ValidationError("--na-only needs at least one --na code") }
        for (flag, lists) in [("--columns", columns), ("--exclude", exclude)] {
            for list in lists where Self.names([list]).isEmpty {
                throw ValidationError("\(flag) needs at least one column name, not '\(list)'")
            }
        }
    }

    var readOptions: CSVReadOptions {
        var o = CSVReadOptions()
        dialect.configure(&o)
        o.missingTokens = naOnly ? missingCodes : CSVReadOptions.defaultMissingTokens + missingCodes
        o.columns = Self.names(columns)
        o.excluded = Self.names(exclude)
        return o
    }

    /// The names of every list, in order, without repeats.
    private static func names(_ lists: [String]) -> [String] {
        var seen = Set<String>()
        return lists.flatMap { $0.split(separator: ",") }
            .map { String($0).trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty && seen.insert($0).inserted }
    }
}

import Foundation
