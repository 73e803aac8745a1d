import ArgumentParser
import EMImpute
import Foundation

/// Maps errors to the documented exit codes and prints them as `emimpute: error: …`, with the
/// remedy in the command's own flags.
enum Failure {
    static let usageError: Int32 = 64
    static let dataError: Int32 = 65
    static let cannotOpenInput: Int32 = 66
    static let internalError: Int32 = 70
    static let cannotCreateOutput: Int32 = 73
    static let brokenPipe: Int32 = 141

    /// Prints `error` (unless it needs no words) and returns the exit code to end with.
    static func report(_ error: any Error) -> ExitCode {
        let (code, message): (Int32, String?) = {
            switch error {
            case let e as CSVError:
                if case .cannotOpen = e.kind { return (cannotOpenInput, e.description) }
                if case .cannotSpool = e.kind { return (cannotCreateOutput, e.description) }
                return (dataError, e.description)
            case let e as EMError:
                return (dataError, "\(e.description). Remedy: \(e.remedy).")
            case let e as EMOptionsError:
                return (usageError, e.description)
            case let e as ModelOptionsError:
                return (usageError, e.description)
            case let e as ModelParameterError:
                return (dataError, e.description)
            case let e as DataError:
                return (dataError, e.description)
            case let e as GaussianModelError:
                return (dataError, e.description)
            case let e as OutputError:
                if case .brokenPipe = e { return (brokenPipe, nil) }
                return (cannotCreateOutput, "\(e.description). \(remedy(for: e))")
            case let e as ModelFileError:
                switch e {
                case .cannotOpen, .isFolder: return (cannotOpenInput, e.description)
                default: return (dataError, e.description)
                }
            case let e as TableStatisticsError:
                switch e {
                case .cannotOpen: return (cannotOpenInput, e.description)
                case .dialectsDiffer: return (dataError, "\(e.description). Write the statistics of every batch with the same --delimiter, --no-header, --na and --na-only options.")
                case .columnsDiffer: return (dataError, "\(e.description). Give every batch the same columns, or choose the same ones with --columns or --exclude.")
                default: return (dataError, "\(e.description). Write the file again with 'emimpute statistics'.")
                }
            case let e as RegressionFormula.UnknownColumn:
                return (usageError, e.description)
            case let e as RegressionError:
                return (dataError, "--regress: \(e.localizedDescription)")
            case let e as PoolingError:
                return (dataError, e.localizedDescription)
            case let e as MultipleImputationError:
                return (usageError, e.localizedDescription)
            case let e as CompletedCSVWriter.Inconsistency:
                return (internalError, "internal error: \(e.description). Please report this with the input file.")
            default:
                return (internalError, "internal error: \(error). Please report this.")
            }
        }()
        if let message { printError("emimpute: error: \(message)") }
        return ExitCode(code)
    }

    /// What to do about an output that could not be written, in flags.
    static func remedy(for error: OutputError) -> String {
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

    /// Prints one line on standard error; see `StandardStreams.printError`.
    static func printError(_ line: String) {
        StandardStreams.printError(line)
    }
}
