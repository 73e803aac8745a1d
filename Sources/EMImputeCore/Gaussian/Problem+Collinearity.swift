/// Which columns make Σ singular, for the errors and warnings that name them.
extension Problem {
    /// The columns that make Σ singular at `pivot`: the pivot column and those that
    /// predict it (standardised regression coefficient above 1%).
    func dependentColumns(_ sigma: [Double], pivot j: Int) -> [String] {
        CholeskyFactorization.dependentColumns(sigma, order: p, pivot: j, names: names)
    }
}
