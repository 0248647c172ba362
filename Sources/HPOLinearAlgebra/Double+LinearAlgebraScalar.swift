private import CLinearAlgebra

/// Double precision: dispatches to `cblas_d*` and `LAPACKE_d*`.
extension Double: LinearAlgebraScalar {
  /// The double-precision routine table. Opaque; see ``LinearAlgebraRoutines``.
  public static let _linearAlgebraRoutines = LinearAlgebraRoutines<Double>(
    prefix: "d",
    gemm: { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
      cblas_dgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        numericCast(m), numericCast(n), numericCast(k), alpha, a, numericCast(lda),
        b, numericCast(ldb), beta, c, numericCast(ldc))
    },
    gemv: { trans, m, n, alpha, a, lda, x, beta, y in
      cblas_dgemv(
        CblasRowMajor, trans ? CblasTrans : CblasNoTrans, numericCast(m), numericCast(n),
        alpha, a, numericCast(lda), x, 1, beta, y, 1)
    },
    axpy: { n, alpha, x, y in cblas_daxpy(numericCast(n), alpha, x, 1, y, 1) },
    dot: { n, x, y in cblas_ddot(numericCast(n), x, 1, y, 1) },
    scal: { n, alpha, x in cblas_dscal(numericCast(n), alpha, x, 1) },
    nrm2: { n, x in cblas_dnrm2(numericCast(n), x, 1) },
    syrk: { trans, n, k, alpha, a, lda, c, ldc in
      cblas_dsyrk(
        CblasRowMajor, CblasLower, trans ? CblasTrans : CblasNoTrans, numericCast(n),
        numericCast(k), alpha, a, numericCast(lda), 0, c, numericCast(ldc))
    },
    potrf: { n, a, lda in
      Int(LAPACKE_dpotrf(LAPACK_ROW_MAJOR, lowerChar, numericCast(n), a, numericCast(lda)))
    },
    potrs: { n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_dpotrs(
          LAPACK_ROW_MAJOR, lowerChar, numericCast(n), numericCast(nrhs), a, numericCast(lda),
          b, numericCast(ldb)))
    },
    potri: { n, a, lda in
      Int(LAPACKE_dpotri(LAPACK_ROW_MAJOR, lowerChar, numericCast(n), a, numericCast(lda)))
    },
    posv: { n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_dposv(
          LAPACK_ROW_MAJOR, lowerChar, numericCast(n), numericCast(nrhs), a, numericCast(lda),
          b, numericCast(ldb)))
    },
    trtrs: { trans, n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_dtrtrs(
          LAPACK_ROW_MAJOR, lowerChar, trans ? transposeChar : noTransposeChar, nonUnitChar,
          numericCast(n), numericCast(nrhs), a, numericCast(lda), b, numericCast(ldb)))
    },
    gesv: { n, nrhs, a, lda, b, ldb in
      withLAPACKIntegers(count: n) { pivots in
        Int(
          LAPACKE_dgesv(
            LAPACK_ROW_MAJOR, numericCast(n), numericCast(nrhs), a, numericCast(lda), pivots,
            b, numericCast(ldb)))
      }
    },
    gels: { m, n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_dgels(
          LAPACK_ROW_MAJOR, noTransposeChar, numericCast(m), numericCast(n), numericCast(nrhs),
          a, numericCast(lda), b, numericCast(ldb)))
    },
    gelsd: { m, n, nrhs, a, lda, b, ldb, s, rcond in
      let result = withLAPACKInteger { rank in
        Int(
          LAPACKE_dgelsd(
            LAPACK_ROW_MAJOR, numericCast(m), numericCast(n), numericCast(nrhs), a,
            numericCast(lda), b, numericCast(ldb), s, rcond, rank))
      }
      return (result.info, result.value)
    }
  )
}

private let lowerChar = CChar(UInt8(ascii: "L"))
private let transposeChar = CChar(UInt8(ascii: "T"))
private let noTransposeChar = CChar(UInt8(ascii: "N"))
private let nonUnitChar = CChar(UInt8(ascii: "N"))
