import Foundation

/// Faults injected on purpose, for tests of the failure paths that cannot be provoked from
/// outside: `EMIMPUTE_TEST_FAULT=write` makes every write to an output file fail;
/// `EMIMPUTE_TEST_FAULT=internal` makes the CLI fail with an internal error after fitting.
public enum TestFault: String, Sendable {
    /// Writes to output files fail.
    case write
    /// An internal error after the fit.
    case `internal`

    /// The fault asked for by the environment, if any.
    public static let current: TestFault? = ProcessInfo.processInfo.environment["EMIMPUTE_TEST_FAULT"].flatMap(TestFault.init)
}
