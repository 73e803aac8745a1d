import ArgumentParser
import EMImpute

/// Which model `impute` fits, and the settings only the mixture or the t has.
struct ModelOptions: ParsableArguments {
    /// The models `--model` offers: the library's.
    typealias Kind = ModelKind

    @Option(help: ArgumentHelp("gaussian (one multivariate normal), mixture (a mixture of normals, for clustered data) or t (a multivariate t, robust to outliers).", valueName: "kind"))
    var model: Kind = .gaussian

    @Option(help: ArgumentHelp("Mixture components K, or auto to choose K = 1…--max-components by BIC (default: auto).", valueName: "K|auto"))
    var components: String?

    @Option(parsing: .unconditional, help: ArgumentHelp("Largest K tried by --components auto (default: 6).", valueName: "K"))
    var maxComponents: Int?

    @Option(parsing: .unconditional, help: ArgumentHelp("Fix the t's degrees of freedom ν (at least 0.1; inf gives the normal) instead of estimating it.", valueName: "ν"))
    var df: Double?

    mutating func validate() throws {
        if model != .mixture, components != nil || maxComponents != nil {
            throw ValidationError("--components and --max-components apply to --model mixture")
        }
        if model != .t, df != nil { throw ValidationError("--df applies to --model t") }
        if let components, components != "auto" {
            guard let k = Int(components), (1...GaussianMixtureOptions.maximumComponents).contains(k) else {
                throw ValidationError("--components must be auto or a whole number between 1 and \(GaussianMixtureOptions.maximumComponents), not '\(components)'")
            }
        }
        if let maxComponents, !(1...GaussianMixtureOptions.maximumComponents).contains(maxComponents) {
            throw ValidationError("--max-components must be between 1 and \(GaussianMixtureOptions.maximumComponents), not \(maxComponents)")
        }
        if let df, !(df >= MultivariateTOptions.degreesOfFreedomRange.lowerBound) {
            throw ValidationError("--df must be at least \(MultivariateTOptions.degreesOfFreedomRange.lowerBound), not \(df)")
        }
    }

    /// K, or nil for auto.
    var fixedComponents: Int? { components.flatMap { Int($0) } }

    /// The model to fit with the settings of `fit` (`impute` and `fit` fit the same one).
    func jobModel(_ fit: FitOptions) -> ImputationJob.Model {
        switch model {
        case .gaussian:
            return .gaussian(fit.emOptions)
        case .mixture:
            var options = GaussianMixtureOptions()
            options.tolerance = fit.tolerance
            options.maxIterations = fit.maxIterations
            options.starts = min((fit.starts ?? 4) + 1, EMOptions.maximumStarts)
            options.seed = fit.seed
            options.threads = fit.threads
            if let k = fixedComponents { options.components = k }
            return .mixture(options, selectingUpTo: fixedComponents == nil ? maxComponents ?? 6 : nil)
        case .t:
            var options = MultivariateTOptions()
            options.tolerance = fit.tolerance
            options.maxIterations = fit.maxIterations
            options.threads = fit.threads
            options.degreesOfFreedom = df
            return .t(options)
        }
    }

    /// Refuses the normal-only fit settings with another model.
    func validate(_ fit: FitOptions) throws {
        guard model != .gaussian else { return }
        if fit.ridge != 0 { throw ValidationError("--ridge applies to --model gaussian") }
        if fit.accelerate != .none { throw ValidationError("--accelerate applies to --model gaussian") }
    }
}

extension ModelKind: ExpressibleByArgument {}

