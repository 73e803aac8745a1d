import ArgumentParser
import EMImpute

/// Settings of the EM fit.
struct FitOptions: ParsableArguments {
    @Option(help: ArgumentHelp("Stop when no entry of the mean or covariance (standardised scale) changes by more than this.", valueName: "t"))
    var tolerance: Double = EMOptions().tolerance

    @Option(help: ArgumentHelp("Iteration cap; reaching it is reported as not converged.", valueName: "n"))
    var maxIterations: Int = EMOptions().maxIterations

    @Option(help: ArgumentHelp("Ridge prior strength λ ≥ 0 (Amelia's empri): shrinks Σ towards the diagonal; gives a posterior mode, not the MLE.", valueName: "λ"))
    var ridge: Double = 0

    @Option(help: ArgumentHelp("Extra random starts; the fit with the highest log-likelihood is kept.", valueName: "k"))
    var starts: Int = 0

    @Option(help: "Seed of the random starts.")
    var seed: UInt64 = 1

    @Option(help: ArgumentHelp("Worker threads (default: all cores). Results do not depend on it.", valueName: "n"))
    var threads: Int?

    @Option(help: ArgumentHelp("Step acceleration: none or squarem.", valueName: "method"))
    var accelerate: EMOptions.Acceleration = EMOptions().acceleration

    mutating func validate() throws {
        guard tolerance > 0, tolerance.isFinite else { throw ValidationError("--tolerance must be a positive number") }
        guard maxIterations >= 1 else { throw ValidationError("--max-iterations must be at least 1") }
        guard ridge >= 0, ridge.isFinite else { throw ValidationError("--ridge must be a number ≥ 0") }
        guard starts >= 0 else { throw ValidationError("--starts must be ≥ 0") }
        if let threads, threads < 1 { throw ValidationError("--threads must be at least 1") }
    }

    var emOptions: EMOptions {
        var o = EMOptions()
        o.tolerance = tolerance
        o.maxIterations = maxIterations
        o.ridge = ridge
        o.starts = starts
        o.seed = seed
        o.threads = threads
        o.acceleration = accelerate
        return o
    }
}

extension EMOptions.Acceleration: ExpressibleByArgument {}
