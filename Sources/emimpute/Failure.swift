import ArgumentParser
import EMImpute
import Foundation

/// Maps errors to the documented exit codes and prints them as `emimpute: error: …`.
enum Failure {
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
            case let e as OutputError:
                if case .brokenPipe = e { return (brokenPipe, nil) }
                return (cannotCreateOutput, e.description)
            case let e as ModelFileError:
                if case .cannotOpen = e { return (cannotOpenInput, e.description) }
                return (dataError, e.description)
            case let e as CompletedCSVWriter.Inconsistency:
                return (internalError, "internal error: \(e.description). Please report this with the input file.")
            default:
                return (internalError, "internal error: \(error). Please report this.")
            }
        }()
        if let message { printError("emimpute: error: \(message)") }
        return ExitCode(code)
    }

    static func printError(_ line: String) {
        FileHandle.standardError.write(Data((line + "\n").utf8))
    }
}
