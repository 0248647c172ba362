/// The version of hpo, printed by `hpo --version` and recorded in stores and manifests.
public enum HPOVersion {
  public static let current = "0.1.0"
}
