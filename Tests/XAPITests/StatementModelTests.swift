import Foundation
import Testing
import XAPI

/// What reading builds, how statements are written out, and when two are equivalent.
struct StatementModelTests {
    @Test func readsTheModel() throws {
        let statement = try validStatement(#"""
            {"id":"6E1F0001-7C2A-4D4B-9A2E-2F9B1C000001",
             "actor":{"objectType":"Group","name":"Pair","member":[{"mbox":"mailto:a@example.com"},{"account":{"homePage":"https://lms.example.com","name":"b"}}]},
             "verb":{"id":"http://adlnet.gov/expapi/verbs/passed","display":{"en-US":"passed"}},
             "object":{"id":"https://example.com/quiz","definition":{"interactionType":"choice","choices":[{"id":"a"},{"id":"b"}],"correctResponsesPattern":["a"]}},
             "result":{"score":{"scaled":0.9,"raw":9,"min":0,"max":10},"success":true,"duration":"PT5M"},
             "context":{"registration":"a1b2c3d4-0000-4e5f-8a9b-0c1d2e3f4a5b","contextActivities":{"parent":{"id":"https://example.com/course"}},"language":"en-GB"},
             "timestamp":"2024-05-01T10:00:00Z"}
            """#)
        #expect(statement.id?.description == "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001")
        guard case .group(let group) = statement.actor else {
            Issue.record("actor should be a group")
            return
        }
        #expect(group.isAnonymous)
        #expect(group.members?.count == 2)
        #expect(group.members?[1].identifier == .account(homePage: "https://lms.example.com", name: "b"))
        #expect(statement.verb.display?["en-us"] == "passed")
        guard case .activity(let activity) = statement.object else {
            Issue.record("object should be an activity")
            return
        }
        #expect(activity.definition?.interactionType == .choice)
        #expect(activity.definition?.choices?.map(\.id) == ["a", "b"])
        #expect(statement.result?.score?.scaled?.value == 0.9)
        #expect(statement.result?.score?.raw?.literal == "9")
        #expect(statement.context?.contextActivities?.parent?.map(\.id) == ["https://example.com/course"])
        #expect(statement.timestamp?.seconds == 1_714_557_600)
        #expect(statement.voidedStatementID == nil)
    }

    @Test func findsAndReplacesEveryActivityDefinition() throws {
        let statement = try validStatement(#"""
            {"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},
             "object":{"objectType":"SubStatement","actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},
                       "object":{"id":"https://example.com/q1","definition":{"name":{"en":"old"}}},
                       "context":{"contextActivities":{"other":[{"id":"https://example.com/o"}]}}},
             "context":{"contextActivities":{"parent":{"id":"https://example.com/p"},"grouping":[{"id":"https://example.com/g"}],
                                             "category":[{"id":"https://example.com/c"}]}}}
            """#)
        #expect(statement.activityIDs == Set(["q1", "o", "p", "g", "c"].map { "https://example.com/" + $0 }))
        var renamed = ActivityDefinition()
        renamed.name = LanguageMap([(tag: "en", text: "new")])
        let replaced = statement.replacingActivityDefinitions { $0.hasSuffix("/q1") || $0.hasSuffix("/g") ? renamed : nil }
        let text = String(decoding: replaced.encoded(format: .exact), as: UTF8.self)
        #expect(text.contains(#""id":"https://example.com/q1","definition":{"name":{"en":"new"}}"#))
        #expect(text.contains(#""id":"https://example.com/g","definition":{"name":{"en":"new"}}"#))
        #expect(!text.contains("old"))
        #expect(text.contains(#"{"objectType":"Activity","id":"https://example.com/p"}"#) || text.contains(#"{"id":"https://example.com/p"}"#))
    }

    @Test func recognisesVoidingStatements() throws {
        let voiding = try validStatement(statementJSON(
            object: #"{"objectType":"StatementRef","id":"6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001"}"#
        ).replacingOccurrences(of: "completed", with: "voided"))
        #expect(voiding.voidedStatementID?.description == "6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001")
    }

    @Test func reportsEveryErrorWithItsPath() {
        let reported = errors(#"""
            {"actor":{"mbox":"ann@example.com"},"verb":{"id":"completed"},"object":{"id":"https://e.com/a"},
             "result":{"score":{"scaled":2}},"context":{"registration":"x"}}
            """#)
        #expect(reported.map(\.path) == [
            "statement.actor.mbox", "statement.verb.id", "statement.result.score.scaled", "statement.context.registration",
        ])
        #expect(reported[0].description == "statement.actor.mbox: must be a mailto IRI (mailto:name@example.com), got \"ann@example.com\"")
    }

    @Test func capsTheNumberOfErrors() {
        let members = (0..<200).map { "\"k\($0)\":1" }.joined(separator: ",")
        let reported = errors(statementJSON(members))
        #expect(reported.count == StatementReader.maxErrors)
    }

    @Test func writesContextActivitiesAsArraysAndKeepsDeclaredObjectTypes() throws {
        let statement = try validStatement(statementJSON(
            #""context":{"contextActivities":{"parent":{"id":"https://e.com/p"}}}"#,
            object: #"{"objectType":"Activity","id":"https://e.com/a"}"#))
        let json = String(decoding: statement.canonicalJSON(), as: UTF8.self)
        #expect(json == #"{"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"objectType":"Activity","id":"https://e.com/a"},"context":{"contextActivities":{"parent":[{"id":"https://e.com/p"}]}}}"#)
    }

    @Test func idsFormatKeepsOnlyIdentifiers() throws {
        let statement = try validStatement(#"""
            {"actor":{"objectType":"Agent","name":"Ann","mbox":"mailto:ann@example.com"},
             "verb":{"id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed"}},
             "object":{"objectType":"Activity","id":"https://e.com/a","definition":{"name":{"en-US":"A"}}},
             "context":{"team":{"objectType":"Group","name":"T","member":[{"name":"Bo","mbox":"mailto:bo@example.com"}]}}}
            """#)
        // An Activity's objectType goes too: only its id identifies it.
        let json = String(decoding: statement.encoded(format: .ids), as: UTF8.self)
        #expect(json == #"{"actor":{"objectType":"Agent","mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/completed"},"object":{"id":"https://e.com/a"},"context":{"team":{"objectType":"Group","member":[{"mbox":"mailto:bo@example.com"}]}}}"#)
    }

    @Test func canonicalFormatPicksThePreferredLanguage() throws {
        let statement = try validStatement(statementJSON(
            object: #"{"id":"https://e.com/a","definition":{"name":{"en-US":"Fire safety","fr-FR":"Sécurité incendie","de":"Brandschutz"}}}"#
        ).replacingOccurrences(of: #""id":"http://adlnet.gov/expapi/verbs/completed""#,
                               with: #""id":"http://adlnet.gov/expapi/verbs/completed","display":{"en-US":"completed","fr-FR":"terminé"}"#))
        let french = String(decoding: statement.encoded(format: .canonical(languages: ["fr"])), as: UTF8.self)
        #expect(french.contains(#""name":{"fr-FR":"Sécurité incendie"}"#))
        #expect(french.contains(#""display":{"fr-FR":"terminé"}"#))
        let german = String(decoding: statement.encoded(format: .canonical(languages: ["de-AT", "en"])), as: UTF8.self)
        #expect(german.contains(#""name":{"de":"Brandschutz"}"#))
        #expect(german.contains(#""display":{"en-US":"completed"}"#))
        let none = String(decoding: statement.encoded(format: .canonical(languages: ["ja"])), as: UTF8.self)
        #expect(none.contains(#""name":{"en-US":"Fire safety"}"#))
    }

    @Test func equivalenceIgnoresWhatTheSpecificationExempts() throws {
        let original = try validStatement(#"""
            {"id":"6e1f0001-7c2a-4d4b-9a2e-2f9b1c000001","actor":{"objectType":"Group","member":[{"mbox":"mailto:a@Example.com"},{"mbox":"mailto:b@example.com"}]},
             "verb":{"id":"urn:v","display":{"en":"did"}},"object":{"id":"urn:o","definition":{"name":{"en":"O"}}},
             "result":{"score":{"raw":1},"duration":"PT1.2567S","extensions":{"urn:e":{"b":1,"a":[1.0,2]}}},
             "timestamp":"2024-05-01T10:00:00Z","stored":"2024-05-01T10:00:01Z","version":"1.0.0"}
            """#)
        let same = try validStatement(#"""
            {"result":{"extensions":{"urn:e":{"a":[1,2.0],"b":1e0}},"duration":"PT1.25S","score":{"raw":1.0}},
             "object":{"objectType":"Activity","id":"urn:o"},"verb":{"id":"urn:v"},
             "actor":{"objectType":"Group","member":[{"mbox":"mailto:b@example.com"},{"mbox":"mailto:a@example.COM"}]}}
            """#)
        #expect(original.isEquivalent(to: same))
    }

    @Test(arguments: [
        #"{"actor":{"mbox":"mailto:other@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"}}"#,
        #"{"actor":{"mbox":"mailto:A@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"}}"#,
        #"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"urn:w"},"object":{"id":"urn:o"}}"#,
        #"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:p"}}"#,
        #"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"},"result":{"success":true}}"#,
        #"{"actor":{"mbox":"mailto:a@example.com","name":"A"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"}}"#,
        #"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"},"context":{"extensions":{"urn:e":1}}}"#,
    ])
    func equivalenceNoticesRealDifferences(other: String) throws {
        let base = try validStatement(#"{"actor":{"mbox":"mailto:a@example.com"},"verb":{"id":"urn:v"},"object":{"id":"urn:o"}}"#)
        #expect(!base.isEquivalent(to: try validStatement(other)))
    }

    @Test func xapi2TimestampsAreStoredInUTC() throws {
        let statement = try validStatement(statementJSON(#""timestamp":"2023-05-04T12:00:00-05:00""#), version: .v2_0_0)
        #expect(statement.timestamp?.text == "2023-05-04T17:00:00Z")
        let json = String(decoding: statement.canonicalJSON(), as: UTF8.self)
        #expect(json.contains(#""timestamp":"2023-05-04T17:00:00Z""#))
    }

    @Test func extensionValuesSurviveExactly() throws {
        let statement = try validStatement(statementJSON(
            #""result":{"extensions":{"urn:e":{"big":123456789012345678901234567890,"n":null,"s":"\u00e9\"","a":[{},[]]}}}"#))
        let json = String(decoding: statement.canonicalJSON(), as: UTF8.self)
        #expect(json.contains(#"{"urn:e":{"big":123456789012345678901234567890,"n":null,"s":"é\"","a":[{},[]]}}"#))
    }

    @Test func batchesReportEachStatement() throws {
        let batch = "[" + statementJSON() + "," + #"{"actor":{}}"# + "," + statementJSON() + "]"
        let parsed = try StatementInput.parse(Array(batch.utf8), version: .v1_0_3)
        #expect(parsed.isBatch)
        #expect(parsed.results.count == 3)
        guard case .failure(let first) = parsed.allValid() else {
            Issue.record("batch with an invalid statement must fail")
            return
        }
        #expect(first.index == 1)
        #expect(first.rejection.errors.first?.path == "statement.actor")
    }
}
