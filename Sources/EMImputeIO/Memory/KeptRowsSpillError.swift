import Foundation

/// Why the kept rows could not be spilled to, or read back from, their temporary file.
public enum KeptRowsSpillError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// The file could not be made in `folder`.
    case cannotCreate(folder: String, reason: String)
    /// Writing to the file failed.
    case cannotWrite(folder: String, reason: String)
    /// Reading it back failed.
    case cannotRead(reason: String)

    /// What went wrong.
    public var description: String {
        switch self {
        case .cannotCreate(let folder, let reason):
            return "cannot make a temporary file for the kept rows (beyond the memory limit) in the folder '\(PrintableText.escaping(folder))': \(reason)"
        case .cannotWrite(let folder, let reason):
            return "cannot write the kept rows (beyond the memory limit) to a temporary file in the folder '\(PrintableText.escaping(folder))': \(reason)"
        case .cannotRead(let reason):
            return "cannot read back the kept rows from their temporary file: \(reason)"
        }
    }

    /// `description`, for `LocalizedError`.
    public var errorDescription: String? { description }
}
