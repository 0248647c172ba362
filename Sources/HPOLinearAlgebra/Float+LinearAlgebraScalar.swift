private import CLinearAlgebra

/// Single precision: dispatches to `cblas_s*` and `LAPACKE_s*`.
extension Float: LinearAlgebraScalar {
  /// The single-precision routine table. Opaque; see ``LinearAlgebraRoutines``.
  public static let _linearAlgebraRoutines = LinearAlgebraRoutines<Float>(
    prefix: "s",
    gemm: { transA, transB, m, n, k, alpha, a, lda, b, ldb, beta, c, ldc in
      cblas_sgemm(
        CblasRowMajor, transA ? CblasTrans : CblasNoTrans, transB ? CblasTrans : CblasNoTrans,
        numericCast(m), numericCast(n), numericCast(k), alpha, a, numericCast(lda),
        b, numericCast(ldb), beta, c, numericCast(ldc))
    },
    gemv: { trans, m, n, alpha, a, lda, x, beta, y in
      cblas_sgemv(
        CblasRowMajor, trans ? CblasTrans : CblasNoTrans, numericCast(m), numericCast(n),
        alpha, a, numericCast(lda), x, 1, beta, y, 1)
    },
    axpy: { n, alpha, x, y in cblas_saxpy(numericCast(n), alpha, x, 1, y, 1) },
    dot: { n, x, y in cblas_sdot(numericCast(n), x, 1, y, 1) },
    scal: { n, alpha, x in cblas_sscal(numericCast(n), alpha, x, 1) },
    nrm2: { n, x in cblas_snrm2(numericCast(n), x, 1) },
    syrk: { trans, n, k, alpha, a, lda, c, ldc in
      cblas_ssyrk(
        CblasRowMajor, CblasLower, trans ? CblasTrans : CblasNoTrans, numericCast(n),
        numericCast(k), alpha, a, numericCast(lda), 0, c, numericCast(ldc))
    },
    potrf: { n, a, lda in
      Int(LAPACKE_spotrf(LAPACK_ROW_MAJOR, lowerChar, numericCast(n), a, numericCast(lda)))
    },
    potrs: { n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_spotrs(
          LAPACK_ROW_MAJOR, lowerChar, numericCast(n), numericCast(nrhs), a, numericCast(lda),
          b, numericCast(ldb)))
    },
    potri: { n, a, lda in
      Int(LAPACKE_spotri(LAPACK_ROW_MAJOR, lowerChar, numericCast(n), a, numericCast(lda)))
    },
    posv: { n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_sposv(
          LAPACK_ROW_MAJOR, lowerChar, numericCast(n), numericCast(nrhs), a, numericCast(lda),
          b, numericCast(ldb)))
    },
    trtrs: { trans, n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_strtrs(
          LAPACK_ROW_MAJOR, lowerChar, trans ? transposeChar : noTransposeChar, nonUnitChar,
          numericCast(n), numericCast(nrhs), a, numericCast(lda), b, numericCast(ldb)))
    },
    gesv: { n, nrhs, a, lda, b, ldb in
      withLAPACKIntegers(count: n) { pivots in
        Int(
          LAPACKE_sgesv(
            LAPACK_ROW_MAJOR, numericCast(n), numericCast(nrhs), a, numericCast(lda), pivots,
            b, numericCast(ldb)))
      }
    },
    gels: { m, n, nrhs, a, lda, b, ldb in
      Int(
        LAPACKE_sgels(
          LAPACK_ROW_MAJOR, noTransposeChar, numericCast(m), numericCast(n), numericCast(nrhs),
          a, numericCast(lda), b, numericCast(ldb)))
    },
    gelsd: { m, n, nrhs, a, lda, b, ldb, s, rcond in
      let result = withLAPACKInteger { rank in
        Int(
          LAPACKE_sgelsd(
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
