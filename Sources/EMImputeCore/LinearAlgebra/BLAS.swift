private import COpenBLAS

/// The few BLAS kernels the engine needs, behind Swift signatures.
enum BLAS {
    /// Pins OpenBLAS to one thread: our own row-block parallelism fixes the summation
    /// order, which keeps results bit-identical for any thread count.
    static let pinnedToOneThread: Void = {
        openblas_set_num_threads(1)
    }()

    /// C ← C + Aᵀ A on the upper triangle of the `p`×`p` row-major `c`, where `a` holds
    /// `rows` rows of length `p` (row-major, leading dimension `p`).
    static func addGram(of a: UnsafePointer<Double>, rows: Int, columns p: Int, into c: UnsafeMutablePointer<Double>) {
        _ = pinnedToOneThread
        guard rows > 0, p > 0 else { return }
        // Row-major A (rows×p) is column-major Aᵀ (p×rows); in row-major terms we ask for
        // C = Aᵀ A with Trans, which OpenBLAS computes as one dsyrk.
        cblas_dsyrk(CblasRowMajor, CblasUpper, CblasTrans, Int32(p), Int32(rows), 1.0, a, Int32(p), 1.0, c, Int32(p))
    }

    /// C ← A B for row-major A (`rows`×`inner`, leading dimension `lda`), B (`inner`×`columns`,
    /// leading dimension `ldb`) and C (`rows`×`columns`, leading dimension `ldc`).
    static func multiply(_ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
                         into c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, inner: Int, columns: Int) {
        _ = pinnedToOneThread
        guard rows > 0, columns > 0, inner > 0 else { return }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(columns), Int32(inner),
                    1.0, a, Int32(lda), b, Int32(ldb), 0.0, c, Int32(ldc))
    }

    /// C ← C + A B, shapes as in `multiply`. With β = 1 OpenBLAS skips its β pass, which for
    /// a C of few columns zeroes it by one `memset` call per row; a caller that needs C = A B
    /// zeroes C in one call and saves that.
    static func multiplyAdding(_ a: UnsafePointer<Double>, lda: Int, _ b: UnsafePointer<Double>, ldb: Int,
                               into c: UnsafeMutablePointer<Double>, ldc: Int, rows: Int, inner: Int, columns: Int) {
        _ = pinnedToOneThread
        guard rows > 0, columns > 0, inner > 0 else { return }
        cblas_dgemm(CblasRowMajor, CblasNoTrans, CblasNoTrans, Int32(rows), Int32(columns), Int32(inner),
                    1.0, a, Int32(lda), b, Int32(ldb), 1.0, c, Int32(ldc))
    }
}
