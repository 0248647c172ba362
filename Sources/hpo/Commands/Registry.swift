import ArgumentParser
import Foundation
import HPORelease

extension HPOCommand {
  /// `hpo registry list|show|promote|rollback`: the directory registry of released models.
  struct RegistryCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
      commandName: "registry",
      abstract: "List, show, promote and roll back released models in a directory registry.",
      discussion: """
        A registry is a directory: REGISTRY/NAME/versions/1, 2, … (complete package copies), \
        REGISTRY/NAME/current (a symlink to the version in production, switched atomically) and \
        REGISTRY/NAME/history.jsonl (every promotion and rollback).
        """,
      subcommands: [List.self, Show.self, Promote.self, Rollback.self])

    struct Location: ParsableArguments {
      @Option(help: "The registry directory.")
      var registry: String = "registry"
    }

    struct List: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "List the registry's entries and their current versions.")
      @OptionGroup var location: Location

      /// Exit 2 naming the directory or entry when the registry cannot be read
      /// (missing, unreadable, a dangling `current`): never "no entries".
      func run() throws {
        let registry = Registry(root: location.registry)
        do {
          let names = try registry.names()
          if names.isEmpty { print("\(location.registry): no entries") }
          for name in names {
            guard let entry = try registry.entry(name) else { continue }
            print("\(name)  current \(entry.current.map(String.init) ?? "none")  versions \(entry.versions.map(String.init).joined(separator: ", "))")
          }
        } catch let e as ReleaseError {
          FileHandleOutput.standardError("error: \(e)")
          throw HPOExitCode.badInput
        }
      }
    }

    struct Show: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Show one entry: its versions, the current one and its history.")
      @Argument(help: "The entry's name.") var name: String
      @OptionGroup var location: Location

      func run() throws {
        let registry = Registry(root: location.registry)
        guard let entry = try run(registry) else { return }
        print("\(entry.name): current version \(entry.current.map(String.init) ?? "none") of \(entry.versions.map(String.init).joined(separator: ", "))")
        if let current = entry.current {
          let dir = URL(fileURLWithPath: location.registry).appendingPathComponent(name).appendingPathComponent("versions/\(current)").path
          let problems = PackageWriter.verify(dir)
          print(problems.isEmpty ? "checksums: ok (\(dir))" : "checksums: \(problems.joined(separator: "; "))")
        }
        for e in entry.history {
          print("\(e.time)  \(e.action) → \(e.version)\(e.previous.map { " (was \($0))" } ?? "")\(e.source.map { "  from \($0)" } ?? "")")
        }
      }

      private func run(_ registry: Registry) throws -> Registry.Entry? {
        do {
          guard let entry = try registry.entry(name) else {
            FileHandleOutput.standardError("error: \(location.registry) has no entry named \(name)")
            throw HPOExitCode.badInput
          }
          return entry
        } catch let e as ReleaseError {
          FileHandleOutput.standardError("error: \(e)")
          throw HPOExitCode.badInput
        }
      }
    }

    struct Promote: ParsableCommand {
      static let configuration = CommandConfiguration(
        abstract: "Copy a package in as the entry's next version and make it current (its checksums are verified first).")
      @Argument(help: "The entry's name.") var name: String
      @Argument(help: "The package directory (e.g. OUTPUT_DIR/package).") var package: String
      @OptionGroup var location: Location

      func run() throws {
        do {
          let version = try Registry(root: location.registry).promote(package: package, as: name)
          print("\(name): version \(version) is current")
        } catch {
          FileHandleOutput.standardError("error: \(error)")
          throw HPOExitCode.badInput
        }
      }
    }

    struct Rollback: ParsableCommand {
      static let configuration = CommandConfiguration(abstract: "Make the previous version current again.")
      @Argument(help: "The entry's name.") var name: String
      @OptionGroup var location: Location

      func run() throws {
        do {
          let version = try Registry(root: location.registry).rollback(name)
          print("\(name): rolled back; version \(version) is current")
        } catch {
          FileHandleOutput.standardError("error: \(error)")
          throw HPOExitCode.badInput
        }
      }
    }
  }
}
