extension ImputationReport {
    /// One warning as the report writes it: `code`, `message` and `remedy`. The remedy is in
    /// the words of whoever writes the report (the command line names its flags), so the
    /// library leaves it empty until `setRemedies(_:)`.
    public struct Warning: Sendable, Equatable, Encodable {
        /// What happened, typed.
        public let warning: ReportWarning
        /// What to do about it.
        public var remedy: String

        /// A warning with its remedy.
        public init(_ warning: ReportWarning, remedy: String) {
            self.warning = warning
            self.remedy = remedy
        }

        /// The stable identifier (`ReportWarning.code`).
        public var code: String { warning.code }
        /// What happened, in one sentence.
        public var message: String { warning.description }

        private enum CodingKeys: String, CodingKey { case code, message, remedy }

        /// Writes `code`, `message` and `remedy`.
        public func encode(to encoder: any Encoder) throws {
            var c = encoder.container(keyedBy: CodingKeys.self)
            try c.encode(code, forKey: .code)
            try c.encode(message, forKey: .message)
            try c.encode(remedy, forKey: .remedy)
        }
    }

    /// Sets every warning's remedy to `remedy(warning)`: what the writer of the report tells
    /// its reader to do, in its own vocabulary.
    public mutating func setRemedies(_ remedy: (ReportWarning) -> String) {
        for k in warnings.indices { warnings[k].remedy = remedy(warnings[k].warning) }
    }
}
