import HPOLinearAlgebra
import Testing

@Suite("Matrix value type")
struct MatrixTests {
  @Test("row-major layout, subscripts, rows and columns")
  func layout() throws {
    var m = try Matrix<Double>(rows: 2, columns: 3, elements: [1, 2, 3, 4, 5, 6])
    #expect(m[0, 2] == 3)
    #expect(m[1, 0] == 4)
    #expect(m.row(1) == [4, 5, 6])
    #expect(m.column(2) == [3, 6])
    #expect(m.diagonal == [1, 5])
    #expect(m == (try Matrix([[1, 2, 3], [4, 5, 6]])))
    m[1, 1] = -5
    #expect(m.elements == [1, 2, 3, 4, -5, 6])
    #expect(!m.isSquare)
    #expect(m.description == "2x3 [[1.0, 2.0, 3.0], [4.0, -5.0, 6.0]]")
  }

  @Test("transpose, identity, diagonal, column vector")
  func constructors() throws {
    let m = try Matrix<Float>([[1, 2, 3], [4, 5, 6]])
    #expect(m.transposed() == (try Matrix([[1, 4], [2, 5], [3, 6]])))
    #expect(m.transposed().transposed() == m)
    #expect(Matrix<Float>.identity(2) == (try Matrix([[1, 0], [0, 1]])))
    #expect(Matrix<Float>(diagonal: [2, 3]).elements == [2, 0, 0, 3])
    #expect(Matrix<Float>(column: [1, 2]).shapeDescription == "2x1")
    #expect(try Matrix<Float>([]) == Matrix<Float>(rows: 0, columns: 0))
  }

  @Test("value semantics: copies do not share mutations")
  func valueSemantics() throws {
    let original = try Matrix<Double>([[1, 2], [3, 4]])
    var copy = original
    copy.addToDiagonal(10)
    try copy.gemm(original, original, beta: 1)
    #expect(original == (try Matrix([[1, 2], [3, 4]])))
    #expect(copy == (try Matrix([[18, 12], [18, 36]])))
  }

  @Test("modifyElements refills in place and keeps the shape")
  func modifyElements() throws {
    var m = Matrix<Double>(rows: 2, columns: 2)
    let sum = m.modifyElements { elements -> Double in
      for i in elements.indices { elements[i] = Double(i) }
      return elements.reduce(0, +)
    }
    #expect(sum == 6)
    #expect(m == (try Matrix([[0, 1], [2, 3]])))
  }
}
