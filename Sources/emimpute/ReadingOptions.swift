import ArgumentParser
import EMImpute

/// How to read a CSV — dialect, missing-value codes, columns — apart from which file:
/// `InputOptions` adds the input, and `fit` its optional one.
struct ReadingOptions: ParsableArguments {
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

    /// Whether any option was given (`fit --statistics` reads the dialect from its files).
    var isDefault: Bool {
        dialect.delimiter == "," && !dialect.noHeader && missingCodes.isEmpty && !naOnly && columns.isEmpty && exclude.isEmpty
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
