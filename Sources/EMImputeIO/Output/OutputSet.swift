/// Every output of one run, checked together before any work is done and committed together
/// once all of them are complete.
///
/// Before anything is read, each destination is resolved (`OutputDestination`) and checked:
/// its folder exists and is writable; no output is an input (compared by `FileIdentity`, so
/// a symbolic link or a second path to the input is caught), unless the caller allows that
/// one output to replace the data input; no two outputs are the same file (a character
/// device such as `/dev/null` may take several); at most one output is standard output.
/// Regular files are then written to temporary files and renamed into place only when
/// every output has been written, so a failing report leaves the old CSV in place too.
///
/// ```swift
/// let outputs = try OutputSet([.init(label: "completed CSV", path: "out.csv"),
///                              .init(label: "report", path: "report.json")],
///                             inputs: [.init(label: "input", path: "data.csv")])
/// do {
///     try outputs.targets[0].write(csv)
///     try outputs.targets[1].write(json)
///     try outputs.commit()
/// } catch { outputs.abandon(); throw error }
/// ```
public final class OutputSet {
    /// One output: the caller's name for it (used in errors) and its path (`-` for standard output).
    public struct Request: Sendable {
        /// How errors name this output (the CLI passes its option, such as `--report`).
        public var label: String
        /// The path; `-` is standard output.
        public var path: String
        /// Whether this output may replace the data input (an explicit in-place request).
        public var mayReplaceInput: Bool

        /// An output request.
        public init(label: String, path: String, mayReplaceInput: Bool = false) {
            self.label = label
            self.path = path
            self.mayReplaceInput = mayReplaceInput
        }
    }

    /// One input that no output may replace.
    public struct Input: Sendable {
        /// How errors name it.
        public var label: String
        /// Its path; `-` is standard input (checked through the descriptor it arrives on).
        public var path: String
        /// Whether an output with `mayReplaceInput` may replace it.
        public var isReplaceable: Bool

        /// An input.
        public init(label: String, path: String, isReplaceable: Bool = false) {
            self.label = label
            self.path = path
            self.isReplaceable = isReplaceable
        }

        var identity: FileIdentity? {
            path == "-" ? FileIdentity(descriptor: 0) : FileIdentity(path: path)
        }
    }

    /// The targets, in the order of the requests.
    public let targets: [OutputTarget]

    /// Resolves and checks every request against the inputs and each other, then prepares
    /// the targets (creating the temporary files of regular files).
    ///
    /// - Throws: `OutputError` naming the output (and the input or other output involved).
    public init(_ requests: [Request], inputs: [Input]) throws {
        let destinations = try requests.map { try OutputDestination.resolve($0.path) }
        var seen: [String: Int] = [:]
        var descriptors: [Int32: Int] = [:]
        for (k, destination) in destinations.enumerated() {
            if case .descriptor(let fd) = destination {
                if let first = descriptors[fd] {
                    throw OutputError.sameDestination(first: requests[first].label, second: requests[k].label, path: requests[k].path)
                }
                descriptors[fd] = k
            }
            let key = destination.collisionKey
            if let first = seen[key], !(destination.isCharacterDevice && destinations[first].isCharacterDevice) {
                throw OutputError.sameDestination(first: requests[first].label, second: requests[k].label, path: requests[k].path)
            }
            seen[key] = k
            guard let identity = destination.identity, !destination.isCharacterDevice else { continue }
            for input in inputs where input.identity == identity {
                if input.isReplaceable && requests[k].mayReplaceInput { continue }
                throw OutputError.wouldOverwriteInput(output: requests[k].label, path: requests[k].path, input: input.label)
            }
        }
        var made: [OutputTarget] = []
        do {
            for (request, destination) in zip(requests, destinations) {
                made.append(try OutputTarget(name: request.path, destination: destination))
            }
        } catch {
            made.forEach { $0.abandon() }
            throw error
        }
        targets = made
    }

    /// Completes every output: all are flushed (and regular files made durable) first; only
    /// when all succeeded are the regular files renamed into place.
    public func commit() throws {
        do {
            for target in targets { try target.prepareCommit() }
            for target in targets { try target.finishCommit() }
        } catch {
            abandon()
            throw error
        }
    }

    /// Discards every output not yet committed.
    public func abandon() {
        targets.forEach { $0.abandon() }
    }
}
