/// The version of EMImpute, as printed by `emimpute --version` and stored in reports.
package enum EMImputeVersion {
    /// Semantic version string.
    package static let current = "0.1.0"
}
