/// The version of this build of Tessera (CHANGELOG.md), shown by `tessera --version`, the
/// landing page and the `Server` header's neighbours in the logs.
public enum TesseraVersion {
    /// Semantic version: `MAJOR.MINOR.PATCH`.
    public static let current = "0.2.0"
}
