import Foundation
import TesseraTestSupport
import Testing
#if canImport(Glibc)
import Glibc
#endif

/// `tessera serve` when it cannot listen.
struct ServeCommandTests {
    /// A socket listening on 127.0.0.1 at a port the system chose; returns it and the port.
    static func occupiedPort() throws -> (Int32, Int) {
        let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(listener, $0, length) == 0 && getsockname(listener, $0, &length) == 0 }
        }
        try #require(bound && listen(listener, 1) == 0)
        return (listener, Int(UInt16(bigEndian: address.sin_port)))
    }

    @Test func aPortInUseIsSaidPlainlyBeforeAnythingIsWrittenOrPrinted() throws {
        let (listener, port) = try Self.occupiedPort()
        defer { close(listener) }
        let directory = try TemporaryDirectory()
        let database = directory.path("new.sqlite")
        let run = try TesseraExecutable.run(["serve", "--db", database, "--port", String(port)])
        #expect(run.status != 0)
        #expect(run.standardError.contains("cannot listen on 127.0.0.1:\(port): the port is in use"), "\(run.standardError)")
        #expect(!run.standardOutput.contains("secret"), "no admin secret for a server that did not start")
        #expect(!FileManager.default.fileExists(atPath: database), "no database created")
    }
}
