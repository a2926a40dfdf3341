// The fuzz target for FuzzChecks.multipart (docs/fuzzing.md). Built with -DFUZZING and
// -sanitize=fuzzer,address it runs libFuzzer's driver on the check; built normally it replays
// the files named on the command line through the same check.
import Foundation
import TesseraFuzz
#if FUZZING
import CLibFuzzer
#endif

@main
enum FuzzMultipart {
    static func main() {
        #if FUZZING
        var argc = CommandLine.argc
        var argv: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>? = CommandLine.unsafeArgv
        exit(LLVMFuzzerRunDriver(&argc, &argv) { data, size in
            FuzzChecks.multipart(data.map { Array(UnsafeBufferPointer(start: $0, count: size)) } ?? [])
            return 0
        })
        #else
        let replayed = FuzzChecks.replay(Array(CommandLine.arguments.dropFirst()), FuzzChecks.multipart)
        FileHandle.standardOutput.write(Data("replayed \(replayed) inputs\n".utf8))
        #endif
    }
}
