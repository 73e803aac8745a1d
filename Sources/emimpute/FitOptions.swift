import ArgumentParser
import EMImpute
import Foundation

/// Settings of the EM fit.
///
/// Numbers are parsed unconditionally, so `--ridge -1` reaches `validate()` and is refused
/// with the rule it breaks instead of being read as an unknown flag.
struct FitOptions: ParsableArguments {
    @Option(parsing: .unconditional, help: ArgumentHelp("Stop when no entry of the mean or covariance (standardised scale) changes by more than this.", valueName: "t"))
    var tolerance: Double = EMOptions().tolerance

    @Option(parsing: .unconditional, help: ArgumentHelp("Iteration cap; reaching it is reported as not converged.", valueName: "n"))
    var maxIterations: Int = EMOptions().maxIterations

    @Option(parsing: .unconditional, help: ArgumentHelp("Ridge prior strength λ ≥ 0 (Amelia's empri): shrinks Σ towards the diagonal; gives a posterior mode, not the MLE.", valueName: "λ"))
    var ridge: Double = 0

    @Option(parsing: .unconditional, help: ArgumentHelp("Extra random starts; the fit with the highest log-likelihood is kept (default: 0; 4 for --model mixture).", valueName: "k"))
    var starts: Int?

    @Option(parsing: .unconditional, help: "Seed of the random starts.")
    var seed: UInt64 = 1

    @Option(parsing: .unconditional, help: ArgumentHelp("Worker threads (default: all cores). Results do not depend on it.", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Step acceleration: none or squarem.", valueName: "method"))
    var accelerate: EMOptions.Acceleration = EMOptions().acceleration

    mutating func validate() throws {
        guard tolerance > 0, tolerance <= Self.toleranceLimit else {
            throw ValidationError("--tolerance must be a number above 0 and at most \(Self.show(Self.toleranceLimit)), not \(Self.show(tolerance))")
        }
        guard (1...Self.iterationLimit).contains(maxIterations) else {
            throw ValidationError("--max-iterations must be between 1 and \(Self.iterationLimit), not \(maxIterations)")
        }
        guard ridge >= 0, ridge <= Self.ridgeLimit else {
            throw ValidationError("--ridge must be a number ≥ 0 and at most \(Self.show(Self.ridgeLimit)), not \(Self.show(ridge))")
        }
        if let starts, !(0...Self.startLimit).contains(starts) {
            throw ValidationError("--starts must be between 0 and \(Self.startLimit), not \(starts)")
        }
        if let threads, !(1...Self.threadLimit).contains(threads) {
            throw ValidationError("--threads must be between 1 and \(Self.threadLimit), not \(threads)")
        }
    }

    // Bounds past which a value is a mistake, not a choice: the library's, so the flags and
    // `EMOptions.validate()` cannot disagree.
    static let toleranceLimit = 1.0
    static let iterationLimit = EMOptions.maximumIterationCap
    static let ridgeLimit = EMOptions.maximumRidge
    static let startLimit = EMOptions.maximumStarts
    static let threadLimit = EMOptions.maximumThreads

    /// A number as people write it (1e+12, not 1000000000000.0).
    private static func show(_ x: Double) -> String { String(format: "%g", x) }

    var emOptions: EMOptions {
        EMOptions(tolerance: tolerance, maxIterations: maxIterations, ridge: ridge, starts: starts ?? 0, seed: seed,
                  threads: threads, acceleration: accelerate)
    }
}

extension EMOptions.Acceleration: ExpressibleByArgument {}
