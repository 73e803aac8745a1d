import EMImpute
import Foundation

/// Progress lines on stderr for long runs: on when stderr is a terminal or when asked,
/// at most about once a second, never on stdout.
final class ProgressPrinter {
    private let enabled: Bool
    private var last = Date.distantPast

    init(requested: Bool, quiet: Bool) {
        enabled = !quiet && (requested || isatty(2) == 1)
    }

    func loading(bytes: Int) {
        guard enabled, due() else { return }
        Failure.printError("emimpute: read \(bytes / (1 << 20)) MiB")
    }

    func iteration(_ r: IterationRecord) {
        guard enabled, r.iteration == 1 || due() else { return }
        Failure.printError(String(format: "emimpute: iteration %d  log-likelihood %.6f  change %.3g  %.1f s",
                                  r.iteration, r.logLikelihood, r.maxAbsoluteChange, r.elapsedSeconds))
    }

    private func due() -> Bool {
        let now = Date()
        guard now.timeIntervalSince(last) >= 1 else { return false }
        last = now
        return true
    }
}
