import EMImputeIO
import Foundation

/// Faults injected on purpose by the tests, for failure paths that cannot be provoked from
/// outside: `EMIMPUTE_TEST_FAULT=write` makes writes to temporary output files fail;
/// `EMIMPUTE_TEST_FAULT=internal` fails with an internal error after the fit. Only debug
/// builds read the variable: a release build has no test hooks.
enum TestFault: String {
    /// Writes to temporary output files fail.
    case write
    /// An internal error after the fit.
    case `internal`

    /// The fault the environment asks for (always nil in a release build).
    static let current: TestFault? = {
        #if DEBUG
        return ProcessInfo.processInfo.environment["EMIMPUTE_TEST_FAULT"].flatMap(TestFault.init)
        #else
        return nil
        #endif
    }()

    /// Arms the library's hooks for the requested fault.
    static func activate() {
        if current == .write { OutputFaultInjection.failWrites = true }
    }
}
