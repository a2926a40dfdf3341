import ArgumentParser

/// `--db`, the database every command works on, declared once for all of them.
struct DatabaseOption: ParsableArguments {
    @Option(name: .customLong("db"), help: "Database file (TESSERA_DB; default tessera.sqlite).")
    var path: String = Environment.database
}
