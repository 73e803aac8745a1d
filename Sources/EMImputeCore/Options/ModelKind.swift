/// The models EMImpute fits: one normal, a mixture of normals, a multivariate t. The raw value
/// is the name the model file's and the report's `kind` use.
public enum ModelKind: String, Sendable, Codable, CaseIterable {
    /// One multivariate normal (`GaussianEM`).
    case gaussian
    /// A mixture of normals (`GaussianMixtureEM`).
    case mixture
    /// A multivariate t (`MultivariateTEM`).
    case t
}
