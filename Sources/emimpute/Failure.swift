import ArgumentParser
import EMImpute
import Foundation

/// Maps errors to the documented exit codes and prints them as `emimpute: error: …`, with the
/// remedy in the command's own flags (`Remedy`).
enum Failure {
    static let usageError: Int32 = 64
    static let dataError: Int32 = 65
    static let cannotOpenInput: Int32 = 66
    static let internalError: Int32 = 70
    static let cannotCreateOutput: Int32 = 73
    static let brokenPipe: Int32 = 141

    /// Prints `error` (unless it needs no words) with its remedy (`Remedy`) and returns the
    /// exit code to end with.
    static func report(_ error: any Error) -> ExitCode {
        let (code, message): (Int32, String?) = {
            switch error {
            case let e as CSVError:
                let text = "\(e.description). \(Remedy.text(for: e))"
                if case .cannotOpen = e.kind { return (cannotOpenInput, text) }
                if case .cannotSpool = e.kind { return (cannotCreateOutput, text) }
                return (dataError, text)
            case let e as EMError:
                return (dataError, "\(e.description). Remedy: \(Remedy.text(for: e)).")
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
                return (cannotCreateOutput, "\(e.description). \(Remedy.text(for: e))")
            case let e as ModelFileError:
                let text = "\(e.description). \(Remedy.text(for: e))"
                switch e {
                case .cannotOpen, .isFolder: return (cannotOpenInput, text)
                default: return (dataError, text)
                }
            case let e as TableStatisticsError:
                let status = { if case .cannotOpen = e { return cannotOpenInput } else { return dataError } }()
                return (status, Remedy.text(for: e).map { "\(e.description). \($0)" } ?? e.description)
            case let e as RegressionFormula.UnknownColumn:
                return (usageError, e.description)
            case let e as RegressionError:
                return (dataError, "--regress: \(e.localizedDescription)")
            case let e as PoolingError:
                return (dataError, e.localizedDescription)
            case let e as MultipleImputationError:
                return (usageError, e.localizedDescription)
            case let e as CSVInconsistency:
                return (internalError, "internal error: \(e.description). Please report this with the input file.")
            default:
                return (internalError, "internal error: \(error). Please report this.")
            }
        }()
        if let message { printError("emimpute: error: \(message)") }
        return ExitCode(code)
    }

    /// Prints one line on standard error; see `StandardStreams.printError`.
    static func printError(_ line: String) {
        StandardStreams.printError(line)
    }
}
