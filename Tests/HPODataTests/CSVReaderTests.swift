import Foundation
import HPOCore
import Testing
@testable import HPOData

/// What the CSV reader accepts, and that it reads numbers exactly.
@Suite struct CSVReaderTests {
  let directory = TemporaryDirectory()

  func read<S: DataScalar>(
    _ text: String, _ type: S.Type = Double.self, options: CSVReadOptions = CSVReadOptions(task: .regression)
  ) throws -> LoadedData<S> {
    try CSVReader.read(path: directory.write("t.csv", text), options: options, as: S.self)
  }

  @Test func read_whenPlain_givesRowMajorFeaturesAndLabels() throws {
    let d = try read("a,b,y\n1,2,10\n3,4,20\n5,6,30\n").dataset
    #expect(d.featureNames == ["a", "b"])
    #expect(d.labelName == "y")
    #expect(d.features == [1, 2, 3, 4, 5, 6])
    #expect(d.labels == [10, 20, 30])
    #expect(d.classCount == nil)
  }

  @Test(arguments: [
    ("CRLF", "a,b,y\r\n1,2,10\r\n3,4,20\r\n5,6,30\r\n"),
    ("no final newline", "a,b,y\n1,2,10\n3,4,20\n5,6,30"),
    ("CRLF, no final newline", "a,b,y\r\n1,2,10\r\n3,4,20\r\n5,6,30"),
    ("BOM", "\u{FEFF}a,b,y\n1,2,10\n3,4,20\n5,6,30\n"),
    ("blank lines", "a,b,y\n\n1,2,10\n\r\n3,4,20\n5,6,30\n\n\n"),
    ("quoted fields", "\"a\",\"b\",\"y\"\n\"1\",2,\"10\"\n3,\"4\",20\n\"5\",\"6\",\"30\"\n"),
    ("spaces around numbers", "a, b ,y\n 1,2 ,10\n3,\t4,20\n\"5 \",6,30\n"),
    ("exponents and signs", "a,b,y\n1e0,+2,1E1\n0.3e1,4.0E+0,2e+1\n50e-1,6000e-3,+30\n"),
  ])
  func read_acceptsLayout(_ id: String, _ text: String) throws {
    let d = try read(text).dataset
    #expect(d.featureNames == ["a", "b"], "\(id)")
    #expect(d.features == [1, 2, 3, 4, 5, 6], "\(id)")
    #expect(d.labels == [10, 20, 30], "\(id)")
  }

  @Test func read_quotedHeaderWithCommaAndEscapedQuote() throws {
    let d = try read("\"len, cm\",\"say \"\"hi\"\"\",y\n1,2,3\n4,5,6\n7,8,9\n").dataset
    #expect(d.featureNames == ["len, cm", "say \"hi\""])
  }

  @Test func read_negativeAndSmallNumbers() throws {
    let d = try read("a,y\n-1.5,0\n-0,1\n.25,2\n-.75e-2,3\n").dataset
    #expect(d.features == [-1.5, -0.0, 0.25, -0.0075])
    #expect(d.features[1].sign == .minus)
  }

  @Test func read_labelByName_anywhere() throws {
    let d = try read("y,a,b\n10,1,2\n20,3,4\n30,5,6\n", options: CSVReadOptions(label: "y", task: .regression)).dataset
    #expect(d.featureNames == ["a", "b"])
    #expect(d.features == [1, 2, 3, 4, 5, 6])
    #expect(d.labels == [10, 20, 30])
  }

  @Test func read_lineNumbersCountBlankLinesAndQuotedNewlines() throws {
    let loaded = try read("\"a\nb\",y\n1,1\n\n2,2\n3,3\n")
    #expect(loaded.dataset.featureNames == ["a\nb"])
    #expect(loaded.sourceLines == [3, 5, 6])
  }

  @Test func read_matchesDoubleStringExactly() throws {
    var rng = SeededGenerator(seed: 7)
    var texts: [String] = []
    for i in 0..<4000 {
      let mantissa = rng.next() >> UInt64(rng.next() % 60)
      let exponent = Int(rng.next() % 60) - 30
      let sign = rng.next() % 2 == 0 ? "" : "-"
      switch i % 5 {
      case 0: texts.append("\(sign)\(mantissa)e\(exponent)")
      case 1: texts.append("\(sign)\(Double(bitPattern: rng.next() & 0x7FEF_FFFF_FFFF_FFFF))")
      case 2: texts.append("\(sign)0.\(mantissa)")
      case 3: texts.append("\(sign)\(mantissa % 100000).\(mantissa % 1000)")
      default: texts.append("\(sign)\(Float(bitPattern: UInt32(truncatingIfNeeded: rng.next()) & 0x7F7F_FFFF))")
      }
    }
    texts += ["9007199254740993", "1e23", "8.589973e9", "2.2250738585072011e-308", "4.9e-324", "1e-400",
              "0.1", "123456789012345678901234567890", "1.00000017881393432617187499", "3.4028235677973366e38",
              "1.000000059604644775390625", "7.038531e-26"]
    let csv = "x,y\n" + texts.map { "\($0),0" }.joined(separator: "\n") + "\n"
    let doubles = try read(csv, Double.self).dataset.features
    let floats = try read(csv, Float.self).dataset.features
    for (i, text) in texts.enumerated() {
      #expect(doubles[i].bitPattern == Double(text)!.bitPattern, "Double: \(text)")
      #expect(floats[i].bitPattern == Float(text)!.bitPattern, "Float: \(text)")
    }
  }

  @Test(arguments: ["iris", "wine", "digits", "diabetes"])
  func read_bundledDatasets(_ name: String) throws {
    let loaded = try CSVReader.read(path: bundledDataDirectory + "/\(name).csv", as: Double.self)
    let expected: [String: (Int, Int, LearningTask, Int?)] = [
      "iris": (150, 4, .classification, 3), "wine": (178, 13, .classification, 3),
      "digits": (1797, 64, .classification, 10), "diabetes": (442, 10, .regression, nil),
    ]
    let (rows, features, task, k) = expected[name]!
    #expect(loaded.dataset.rowCount == rows)
    #expect(loaded.dataset.featureCount == features)
    #expect(loaded.report.task == task)
    #expect(loaded.report.taskInferred)
    #expect(loaded.dataset.classCount == k)
    // Spot check against Foundation's parse of the same first data row.
    let text = try String(contentsOfFile: bundledDataDirectory + "/\(name).csv", encoding: .utf8)
    let firstRow = text.split(separator: "\n")[1].split(separator: ",").map { Double($0)! }
    #expect(Array(loaded.dataset.row(0)) == Array(firstRow.dropLast()))
    #expect(loaded.dataset.labels[0] == firstRow.last!)
  }

  @Test func read_digits_warnsAboutConstantColumns() throws {
    let loaded = try CSVReader.read(path: bundledDataDirectory + "/digits.csv", as: Float.self)
    let constant = loaded.report.issues.filter { $0.code == .constantColumn }
    #expect(constant.count == 3)
    #expect(constant.first?.description == bundledDataDirectory
      + "/digits.csv: column 'pixel_0_0': is constant (every value is 0); it carries no information, and standardisation leaves it at 0")
  }

  @Test func read_missingPolicyDrop_removesRowsAndKeepsLines() throws {
    let loaded = try read("a,b,y\n1,2,1\n,3,2\n4,nan,3\n5,6,4\n7,8,5\n", options: CSVReadOptions(task: .regression, missing: .drop))
    #expect(loaded.dataset.features == [1, 2, 5, 6, 7, 8])
    #expect(loaded.dataset.labels == [1, 4, 5])
    #expect(loaded.sourceLines == [2, 5, 6])
    #expect(loaded.report.issues.map(\.description) == [
      directory.path + "/t.csv:3: dropped 2 of 5 rows with missing or non-finite values, as \"missing\": \"drop\" asks (the first is shown)",
    ])
  }

  @Test func read_missingPolicyMean_keepsNaNForImputation() throws {
    let loaded = try read("a,b,y\n1,2,1\nNA,3,2\n4,inf,3\n", options: CSVReadOptions(task: .regression, missing: .mean))
    #expect(loaded.dataset.features[2].isNaN)
    #expect(loaded.dataset.features[5].isNaN)
    #expect(loaded.report.missingCounts == [1, 1])
    #expect(loaded.report.issues.map(\.code) == [.valuesImputed, .valuesImputed])
  }

  /// Every prefix of a real file, and every single-byte corruption of its
  /// first lines, either reads or throws a DataError: none traps.
  @Test func read_truncatedAndCorruptedFiles_neverTrap() throws {
    let text = try String(contentsOfFile: bundledDataDirectory + "/iris.csv", encoding: .utf8)
    let bytes = Array(text.utf8.prefix(400))
    let path = directory.path + "/fuzz.csv"
    for n in 0...bytes.count {
      directory.write("fuzz.csv", Array(bytes.prefix(n)))
      _ = try? CSVReader.read(path: path, as: Float.self)
    }
    let replacements: [UInt8] = [0x22, 0x2C, 0x0A, 0x0D, 0x00, 0xFF, 0x2E, 0x65, 0x2D, 0x20]
    for i in stride(from: 0, to: bytes.count, by: 3) {
      var damaged = bytes
      damaged[i] = replacements[i % replacements.count]
      directory.write("fuzz.csv", damaged)
      _ = try? CSVReader.read(path: path, as: Double.self)
    }
    directory.write("fuzz.csv", Array(bytes.prefix(97)))
    #expect(thrownIssues { () throws(DataError) in _ = try CSVReader.read(path: path, as: Double.self) }
      == [path + ":3: row has 3 fields but the header has 5 columns; every row needs one field per column"])
  }
}
