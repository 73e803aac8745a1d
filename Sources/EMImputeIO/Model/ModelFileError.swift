import Foundation

/// A model file that cannot be used.
public enum ModelFileError: Error, Sendable, Equatable, CustomStringConvertible, LocalizedError {
    /// An adjustment `apply` can be asked for.
    public enum Adjustment: String, Sendable, Equatable, CaseIterable {
        /// Rounding the imputed cells of all-integer columns.
        case roundIntegers
        /// Clamping imputed cells to the observed range.
        case clampToObservedRange
    }

    /// The file cannot be opened or read (`errno` says why).
    case cannotOpen(path: String, errno: Int32)
    /// The path is a folder.
    case isFolder(path: String)
    /// The file is not JSON, or not a JSON object.
    case notJSON(path: String, detail: String)
    /// A key the model needs is absent (`key` is a path such as `fingerprint.rows`).
    case missingKey(path: String, key: String)
    /// A value has the wrong type (`key` is a path such as `scale[2]`; `expected` is e.g. "a number").
    case wrongType(path: String, key: String, expected: String)
    /// The file has a format this emimpute does not read.
    case unsupportedVersion(path: String, version: Int)
    /// The file is not a consistent model.
    case invalid(path: String, reason: String)
    /// An adjustment was asked of a model file (format 1) that lacks the data it needs.
    case adjustmentNotRecorded(path: String, adjustment: Adjustment)
    /// A modelled column is absent from the input.
    case missingColumn(file: String, column: String)

    /// What is wrong, in the library's terms (what to do depends on the caller: the command
    /// line adds a remedy naming its commands).
    public var description: String {
        switch self {
        case .cannotOpen(let path, let code):
            return "\(path): cannot read the model: \(String(cString: strerror(code)))"
        case .isFolder(let path):
            return "\(path): is a folder, not a model file"
        case .notJSON(let path, let detail):
            return "\(path): not an emimpute model file: \(detail)"
        case .missingKey(let path, let key):
            return "\(path): not an emimpute model file: missing key '\(key)'"
        case .wrongType(let path, let key, let expected):
            return "\(path): not an emimpute model file: '\(key)' must be \(expected)"
        case .unsupportedVersion(let path, let version):
            let versions = ModelFile.readableFormatVersions.map(String.init)
            let readable = versions.dropLast().joined(separator: ", ") + " and " + versions.last!
            return "\(path): the model file has format version \(version), and this emimpute reads versions \(readable)"
        case .invalid(let path, let reason):
            return "\(path): \(reason)"
        case .adjustmentNotRecorded(let path, _):
            return "\(path): the model was saved by an older emimpute (format 1) and does not record the training data's observed ranges and integer columns"
        case .missingColumn(let file, let column):
            return "\(file): the model needs column '\(column)', which the input lacks"
        }
    }

    /// The description, for `localizedDescription`.
    public var errorDescription: String? { description }
}

extension ModelFileError {
    /// A value of the right type that no model file holds, said while decoding (it becomes
    /// `invalid(path:reason:)` once the path is known).
    struct InvalidValue: Error {
        let reason: String
    }

    /// A decoding failure in words: the key path and what was expected.
    init(_ error: DecodingError, path: String, data: Data) {
        func keyPath(_ keys: [any CodingKey]) -> String {
            keys.reduce("") { path, key in
                if let i = key.intValue { return path + "[\(i)]" }
                return path.isEmpty ? key.stringValue : path + "." + key.stringValue
            }
        }
        func kind(_ type: Any.Type) -> String {
            switch type {
            case is Double.Type, is Float.Type: return "a number"
            case is Int.Type: return WholeNumber.expected
            case is String.Type: return "a string"
            case is Bool.Type: return "true or false"
            default:
                let name = String(describing: type)
                if name.hasPrefix("Array") { return "an array" }
                if name.hasPrefix("Dictionary") { return "an object" }
                return "a value of another type"
            }
        }
        switch error {
        case .keyNotFound(let key, let context):
            self = .missingKey(path: path, key: keyPath(context.codingPath + [key]))
        case .typeMismatch(let type, let context), .valueNotFound(let type, let context):
            self = context.codingPath.isEmpty ? .notJSON(path: path, detail: "it is not a JSON object")
                                              : .wrongType(path: path, key: keyPath(context.codingPath), expected: kind(type))
        case .dataCorrupted(let context) where context.underlyingError is InvalidValue:
            self = .invalid(path: path, reason: (context.underlyingError as! InvalidValue).reason)
        case .dataCorrupted(let context) where !context.codingPath.isEmpty:
            self = .wrongType(path: path, key: keyPath(context.codingPath),
                              expected: context.debugDescription == WholeNumber.expected ? WholeNumber.expected : "a valid value")
        default:
            self = .notJSON(path: path, detail: Self.syntaxProblem(in: data))
        }
    }

    /// Where the JSON syntax breaks, as far as the parser tells.
    private static func syntaxProblem(in data: Data) -> String {
        do {
            _ = try JSONSerialization.jsonObject(with: data)
        } catch {
            guard let text = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String else { return "invalid JSON" }
            // "Invalid value around character 12." → a line and column people can find.
            if let range = text.range(of: "around character "),
               let offset = Int(text[range.upperBound...].prefix { $0.isNumber }) {
                let before = data.prefix(offset)
                let line = before.reduce(1) { $1 == 0x0A ? $0 + 1 : $0 }
                let column = offset - (before.lastIndex(of: 0x0A).map { $0 + 1 } ?? 0) + 1
                return "invalid JSON at line \(line), column \(column)"
            }
            if text.hasPrefix("Unexpected end of file") { return "the JSON ends too early (the file is cut off)" }
            if text.hasPrefix("Number "), text.contains("not representable") {
                return "a number is out of range: \(text.dropFirst("Number ".count).prefix { $0 != " " })"
            }
            return "invalid JSON"
        }
        return "invalid JSON"
    }
}
