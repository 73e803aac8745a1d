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

    @Option(help: ArgumentHelp("Model only these numeric columns (comma-separated names).", valueName: "names"))
    var columns: String?

    @Option(help: ArgumentHelp("Never model these columns (comma-separated names); they pass through untouched.", valueName: "names"))
    var exclude: String?

    mutating func validate() throws {
        if naOnly && missingCodes.isEmpty { throw ValidationError("--na-only needs at least one --na code") }
    }

    var readOptions: CSVReadOptions {
        var o = CSVReadOptions()
        dialect.configure(&o)
        o.missingTokens = naOnly ? missingCodes : CSVReadOptions.defaultMissingTokens + missingCodes
        o.columns = Self.names(columns)
        o.excluded = Self.names(exclude)
        return o
    }

    private static func names(_ list: String?) -> [String] {
        (list ?? "").split(separator: ",").map { String($0).trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
    }
}

import Foundation
