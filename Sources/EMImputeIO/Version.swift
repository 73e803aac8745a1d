/// The version of EMImpute, as printed by `emimpute --version` and stored in reports.
public enum EMImputeVersion {
    /// Semantic version string.
    public static let current = "0.1.0"
}
