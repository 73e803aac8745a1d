/// Something the user should know about a fit that nevertheless produced estimates.
public struct EMWarning: Sendable, Codable, Equatable {
    /// A stable identifier, e.g. `notConverged`.
    public let code: String
    /// What happened.
    public let message: String
    /// What to do about it.
    public let remedy: String

    /// A warning from its parts.
    public init(code: String, message: String, remedy: String) {
        self.code = code
        self.message = message
        self.remedy = remedy
    }
}
