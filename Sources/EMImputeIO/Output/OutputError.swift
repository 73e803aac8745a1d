import Foundation

/// Failure to produce an output.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The output (or its temporary file) could not be created.
    case cannotCreate(path: String, reason: String)
    /// Writing failed (an I/O error); a regular file at the path was left as it was.
    case writeFailed(path: String, reason: String)
    /// The device holding the output is full (or the quota is used up).
    case deviceFull(path: String)
    /// The reader of standard output (or of a FIFO) went away (`| head`): not worth a message.
    case brokenPipe
    /// The output named `output` would replace the input named `input`.
    case wouldOverwriteInput(output: String, path: String, input: String)
    /// Two outputs name the same file.
    case sameDestination(first: String, second: String, path: String)
    /// Standard output is closed, but an output was to be written there.
    case standardOutputClosed

    /// What went wrong, in the library's words (the command-line tool adds its remedy).
    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            return "\(path): cannot create the output: \(reason)"
        case .writeFailed(let path, let reason):
            return "\(path): writing failed: \(reason); an existing file at \(path) was left as it was"
        case .deviceFull(let path):
            return "\(path): writing failed: no space left on the device; an existing file at \(path) was left as it was"
        case .brokenPipe:
            return "the reader of the output went away"
        case .wouldOverwriteInput(let output, let path, let input):
            return "\(path): \(output) names the \(input) file; writing there would destroy it"
        case .sameDestination(let first, let second, let path):
            return "\(path): \(first) and \(second) name the same file; one would overwrite the other"
        case .standardOutputClosed:
            return "standard output is closed, but the output was to be written there"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}
