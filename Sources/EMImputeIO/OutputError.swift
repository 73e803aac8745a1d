/// Failure to produce an output file.
public enum OutputError: Error, Sendable, Equatable, CustomStringConvertible {
    /// The output (or its temporary file) could not be created.
    case cannotCreate(path: String, reason: String)
    /// Writing failed (full device, I/O error).
    case writeFailed(path: String, reason: String)
    /// The reader of standard output went away (`| head`): not an error worth a message.
    case brokenPipe
    /// The output would replace the input.
    case wouldOverwriteInput(path: String)

    /// What went wrong and what to do.
    public var description: String {
        switch self {
        case .cannotCreate(let path, let reason):
            return "\(path): cannot create the output file: \(reason). Check that the folder exists and is writable."
        case .writeFailed(let path, let reason):
            return "\(path): writing failed: \(reason). Nothing was written at \(path); free some space or choose another place."
        case .brokenPipe:
            return "standard output was closed"
        case .wouldOverwriteInput(let path):
            return "\(path): the output is the input file. Choose another --output, or pass --in-place to replace the input."
        }
    }
}
