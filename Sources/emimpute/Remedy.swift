import EMImpute

/// What to do about a library error or warning, in the command's own flags and commands. The
/// library says what happened in its own terms (`description`); only the command line knows
/// that a column is left out with `--exclude` or a code declared with `--na`.
enum Remedy {
    // MARK: Warnings

    /// The remedy of a warning in the report or the summary.
    static func text(for warning: ReportWarning) -> String {
        switch warning {
        case .input(let w): return text(for: w)
        case .fit(let w): return text(for: w)
        case .adjustedImputations: return "leave out --round-integers and --clamp to write the conditional means"
        }
    }

    /// The remedy of a fit's warning.
    static func text(for warning: EMWarning) -> String {
        switch warning {
        case .notConverged(.gaussian, _, _): return "raise --max-iterations, or add --ridge to speed up a weakly identified model"
        case .notConverged(.t, _, _): return "raise --max-iterations, or fix the degrees of freedom (--df)"
        case .notConverged(.mixture, _, _): return "raise --max-iterations, or fit fewer components"
        case .nearlySingular(let columns, _):
            return "drop one of these columns (--exclude \(columns.last ?? "")) or add a ridge prior (--ridge 1, for instance)"
        case .objectiveDecreased(_, _, .some): return "drop one of the nearly collinear columns or add a ridge prior (--ridge)"
        case .objectiveDecreased(_, _, nil): return "this indicates a numerical problem or a bug: please report it with the input"
        case .startsDisagree: return "add a ridge prior (--ridge) or model fewer columns; the fit with the highest log-likelihood was kept"
        case .startsReachedLowerMaxima(let reaching, _):
            return reaching == 1 ? "raise --starts to make sure the best maximum has been found" : "nothing to do: mixtures have several local maxima"
        case .rowsWithNothingObserved: return "nothing to do if this is expected; otherwise check the missing-value codes (--na)"
        case .ridgePosteriorMode: return "use --ridge 0 for the MLE when the data identify the model"
        case .slowConvergence:
            return "tighten --tolerance to make sure the estimates are final, and interpret the affected parameters with caution"
        case .identifierLikeColumn(let column, _): return "leave it out of the model (--exclude \(column)) unless it really is a measurement"
        case .degreesOfFreedomAtUpperBound: return "use the normal model (--model gaussian)"
        case .degreesOfFreedomAtLowerBound: return "inspect the most down-weighted rows, or fix the degrees of freedom (--df 4, for instance)"
        case .emptyComponents(let empty, let fitted):
            return "fit fewer components (--components \(max(1, fitted - empty.count))) or let BIC choose (--components auto)"
        case .componentCovarianceFloored: return "fit fewer components, or use more starts (--starts) to avoid a degenerate solution"
        }
    }

    /// The remedy of a reader's warning.
    static func text(for warning: CSVWarning) -> String {
        switch warning {
        case .textLooksNumeric(let column, _, _, _, let evidence):
            let steps = evidence.map { e -> String in
                switch e {
                case .decimalComma:
                    return "write the numbers with a decimal point (1.5; emimpute reads no other decimal separator)"
                case .thousandsSeparators:
                    return "write the numbers without thousands separators (1000)"
                case .undeclaredCode(let code, _):
                    let shown = PrintableText.of(code)
                    return shown.isExact ? "if '\(shown.text)' means missing, add --na \(ShellQuoting.quoted(code))"
                                         : "if '\(shown.text)' means missing, declare it with --na"
                }
            }
            return steps.joined(separator: "; ")
                + "; if the column really is text, leave it out with --exclude \(ShellQuoting.quoted(column)) to silence this warning"
        case .missingFinalLineEnd:
            return "check that the input is complete (a file written to the end finishes with a line end); if it is, nothing to do"
        }
    }

    // MARK: Errors

    /// The remedy of a fit that could not produce estimates.
    static func text(for error: EMError) -> String {
        switch error {
        case .noData: return "check the missing-value codes (--na) and the chosen columns (--columns, --exclude)"
        case .columnEntirelyMissing(let c): return "drop the column (--exclude \(c))"
        case .constantColumn(let c): return "drop the column (--exclude \(c)); a constant carries no information to impute with"
        case .tooFewRows(let n, _) where n < 2: return "provide more rows: no prior can estimate a variance from a single row"
        case .tooFewRows: return "add a ridge prior (--ridge 1, for instance) or model fewer columns (--columns/--exclude)"
        case .singularCovariance(let columns, _):
            return "add a ridge prior (--ridge 1, for instance) or drop one of the dependent columns (--exclude \(columns.last ?? ""))"
        case .tooManyColumns: return "choose the columns to model with --columns or --exclude"
        case .imputationOutOfRange(let c, _): return "rescale column '\(c)' (divide it by a power of ten) or leave it out (--exclude \(c))"
        case .cancelled: return "run again, and let the fit finish"
        }
    }

    /// The remedy of an input that cannot be read, as a sentence.
    static func text(for error: CSVError) -> String {
        switch error.kind {
        case .cannotOpen: return "Check the path and permissions."
        case .empty, .noDataRows: return "Nothing to impute."
        case .malformedQuote: return #"Quote the whole field and double any quote inside it ("a ""b"" c")."#
        case .unterminatedQuote: return "Add the closing quote."
        case .raggedRow: return "Fix the row, or quote fields that contain the delimiter (or choose the right one with --delimiter)."
        case .duplicateColumnName: return "Rename one of them in the header."
        case .unknownColumn:
            return "Column names are case-sensitive; run 'emimpute describe \(PrintableText.escaping(error.file))' to list them."
        case .mixedColumn(let name, let cells, _):
            let exclude = error.canLeaveColumnOut ? "leave the column out with --exclude \(ShellQuoting.quoted(name))"
                                                  : "fit the model again without that column"
            if let first = cells.first, first.isNumberInOtherNotation {
                return "Write every number with a decimal point and without thousands separators (1234.5), or \(exclude)."
            }
            if let code = cells.first, code.isExact, code.text.count <= 20 {
                return "If these are missing-value codes add --na \(ShellQuoting.quoted(code.text)); otherwise \(exclude)."
            }
            return "Fix those cells, or \(exclude)."
        case .notNumeric(_, let cells):
            if let first = cells.first, first.isNumberInOtherNotation {
                return "Write every number with a decimal point and without thousands separators (1234.5)."
            }
            return "Choose numeric columns with --columns only, or add missing-value codes with --na."
        case .tooLarge: return "Check that the quoting is balanced."
        case .cannotSpool:
            return "Set TMPDIR to a writable folder with room for the input (an input that is not a regular file is copied there as it is read)."
        case .inputChanged: return "Run again once nothing is writing to the file, or work on a copy."
        }
    }

    /// The remedy of a model file that cannot be used, as a sentence.
    static func text(for error: ModelFileError) -> String {
        let again = "Save the model again with 'emimpute impute … --save-model'."
        switch error {
        case .cannotOpen: return "Check the path and permissions."
        case .isFolder, .notJSON: return "Give the file written by 'emimpute impute … --save-model'."
        case .missingKey, .wrongType, .invalid: return again
        case .adjustmentNotRecorded(_, let adjustment):
            return "\(adjustment == .roundIntegers ? "--round-integers" : "--clamp") needs them. \(again)"
        case .unsupportedVersion(_, let version):
            return version > ModelFile.readableFormatVersions.upperBound ? "Use the emimpute that saved it, or a newer one." : again
        case .missingColumn: return "Columns are matched by name; rename the column or refit the model."
        }
    }

    /// The remedy of statistics files that cannot be read or merged, as a sentence.
    static func text(for error: TableStatisticsError) -> String? {
        switch error {
        case .cannotOpen: return nil
        case .dialectsDiffer: return "Write the statistics of every batch with the same --delimiter, --no-header, --na and --na-only options."
        case .columnsDiffer: return "Give every batch the same columns, or choose the same ones with --columns or --exclude."
        case .notStatistics, .unsupportedVersion, .invalid: return "Write the file again with 'emimpute statistics'."
        }
    }

    /// The remedy of an output that could not be written, as a sentence.
    static func text(for error: OutputError) -> String {
        switch error {
        case .cannotCreate: return "Check that the folder exists and is writable, or choose another path."
        case .deviceFull: return "Free some space, or choose another place."
        case .writeFailed: return "Choose another place, or check the device."
        case .brokenPipe: return ""
        case .wouldOverwriteInput(let output, _, _):
            return output == "--output"
                ? "Choose another --output, or add --in-place to replace the input on purpose."
                : "Choose another path for \(output)."
        case .sameDestination: return "Give each output its own path."
        case .standardOutputClosed: return "Name an output file with -o, or run with standard output open."
        }
    }
}
