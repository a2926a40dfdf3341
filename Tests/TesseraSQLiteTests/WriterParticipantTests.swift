import Foundation
@testable import TesseraSQLite
import TesseraLRS
import TesseraTestSupport
import Testing

/// The writer's participants (the hash chain, analytics' facts) after a failed transaction.
struct WriterParticipantTests {
    @Test func aRolledBackTransactionLeavesTheChainWholeAndTheWriterWorking() async throws {
        let temporary = try TemporaryStore()
        try await temporary.store.store([try prepared(statement(actor: "ann"))])
        // A table the facts write to goes missing: the next batch fails and rolls back whole,
        // and the participants read their state back (which they can).
        try tamper(temporary.path, "ALTER TABLE learning_events RENAME TO learning_events_away")
        await #expect(throws: (any Error).self) { try await temporary.store.store([try prepared(statement(actor: "bo"))]) }
        try tamper(temporary.path, "ALTER TABLE learning_events_away RENAME TO learning_events")
        try await temporary.store.store([try prepared(statement(actor: "cy"))])
        #expect(await temporary.store.isReady())
        let verification = try await temporary.store.verifyChain()
        #expect(verification.isIntact, "\(verification.problems)")
        #expect(verification.statements == 2, "the rolled-back statement left no trace in the chain")
    }

    @Test func aParticipantThatCannotRebuildStopsTheWriter() async throws {
        let temporary = try TemporaryStore()
        try await temporary.store.store([try prepared(statement(actor: "ann"))])
        #expect(await temporary.store.isReady())
        // The chain's table goes: the write fails, and the chain cannot read its head back.
        try tamper(temporary.path, "ALTER TABLE statement_chain RENAME TO statement_chain_away")
        await #expect(throws: (any Error).self) { try await temporary.store.store([try prepared(statement(actor: "bo"))]) }
        #expect(await temporary.store.isReady() == false, "readiness says the writer stopped")
        // Even with the table back, the writer takes no more work until a restart.
        try tamper(temporary.path, "ALTER TABLE statement_chain_away RENAME TO statement_chain")
        await #expect(throws: StatementWriter.WriterStopped.self) {
            try await temporary.store.store([try prepared(statement(actor: "cy"))])
        }
    }
}
