import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraLRS
import TesseraSQLite
import Testing

/// The Activities and Agents resources.
struct AgentsAndActivitiesResourceTests {
    static let activityID = "https://courses.example.com/fire-safety/quiz"
    static let activityQuery = "/xapi/activities?activityId=https%3A%2F%2Fcourses.example.com%2Ffire-safety%2Fquiz"

    private func statement(definition: String) -> String {
        #"{"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},"object":{"id":"\#(Self.activityID)","definition":\#(definition)}}"#
    }

    @Test(arguments: [TestingSetup.router, .live])
    func activityDefinitionsMergeAcrossStatementsFromDefiningCredentials(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        let author = try await lrs.credentials.create(name: "authoring tool", scopes: [.statementsWrite, .define])
        try await lrs.test(setup) { client in
            let unknown = try await client.execute(uri: Self.activityQuery, method: .get, headers: lrs.headers())
            #expect(unknown.status == .ok)
            #expect(try json(unknown) as? [String: String] == ["objectType": "Activity", "id": Self.activityID],
                "an activity nobody defined is still an Activity object")

            for definition in [
                #"{"name":{"en-US":"Fire quiz"},"type":"http://adlnet.gov/expapi/activities/assessment"}"#,
                #"{"name":{"fr-FR":"Quiz incendie"},"description":{"en-US":"Ten questions"}}"#,
            ] {
                let posted = try await client.execute(
                    uri: "/xapi/statements", method: .post, headers: lrs.headers(author, json: true),
                    body: buffer(statement(definition: definition)))
                #expect(posted.status == .ok)
            }
            // A credential without `define` does not change the canonical definition.
            let ignored = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true),
                body: buffer(statement(definition: #"{"name":{"en-US":"Renamed by a course"}}"#)))
            #expect(ignored.status == .ok)

            let activity = try await client.execute(uri: Self.activityQuery, method: .get, headers: lrs.headers())
            let object = try #require(try json(activity) as? [String: Any])
            #expect(object["objectType"] as? String == "Activity")
            let definition = try #require(object["definition"] as? [String: Any])
            #expect(definition["name"] as? [String: String] == ["en-US": "Fire quiz", "fr-FR": "Quiz incendie"])
            #expect(definition["description"] as? [String: String] == ["en-US": "Ten questions"])
            #expect(definition["type"] as? String == "http://adlnet.gov/expapi/activities/assessment")
        }
    }

    /// `format=canonical` shows every Activity (object, context activities, sub-statement) with
    /// the LRS's canonical definition in the best of the requested languages; an Activity the
    /// LRS has no definition for keeps the one its statement carried; `exact` is untouched.
    @Test(arguments: [TestingSetup.router, .live])
    func canonicalFormatShowsTheCanonicalDefinitions(setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        let author = try await lrs.credentials.create(name: "authoring tool", scopes: [.statementsWrite, .define])
        let course = "https://courses.example.com/fire-safety"
        let first = "00000000-0000-4000-8000-000000000001", second = "00000000-0000-4000-8000-000000000002"
        @Sendable func statement(_ id: String, definition: String, context: String, nested: Bool = false) -> String {
            let object = #"{"id":"\#(Self.activityID)","definition":\#(definition)}"#
            let wrapped = nested
                ? #"{"objectType":"SubStatement","actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},"object":\#(object)}"#
                : object
            return #"{"id":"\#(id)","actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/answered"},"object":\#(wrapped),"context":{"contextActivities":\#(context)}}"#
        }
        try await lrs.test(setup) { client in
            func post(_ body: String, as credential: IssuedCredential? = nil) async throws {
                let response = try await client.execute(
                    uri: "/xapi/statements", method: .post, headers: lrs.headers(credential, json: true), body: buffer(body))
                #expect(response.status == .ok, "\(String(buffer: response.body))")
            }
            func get(_ query: String, language: String) async throws -> [String: Any] {
                var headers = lrs.headers()
                headers[.acceptLanguage] = language
                let response = try await client.execute(uri: "/xapi/statements?" + query, method: .get, headers: headers)
                #expect(response.status == .ok)
                return try #require(try json(response) as? [String: Any])
            }
            try await post(statement(first, definition: #"{"name":{"en-US":"Fire quiz"},"type":"http://adlnet.gov/expapi/activities/assessment"}"#,
                context: #"{"parent":[{"id":"\#(course)","definition":{"name":{"en-US":"Fire safety"}}}]}"#), as: author)
            try await post(statement(UUID().uuidString, definition: #"{"name":{"fr-FR":"Quiz incendie"},"description":{"en-US":"Ten questions"}}"#,
                context: #"{"parent":[{"id":"\#(course)","definition":{"name":{"fr-FR":"Sécurité incendie"}}}]}"#), as: author)
            // A course without `define` renames nothing, and its own activity has no canonical definition.
            try await post(statement(second, definition: #"{"name":{"en-US":"Renamed by a course"}}"#,
                context: #"{"category":[{"id":"https://courses.example.com/only-here","definition":{"name":{"en-US":"Only here"}}}]}"#, nested: true))

            let french = try await get("statementId=\(first)&format=canonical", language: "fr-FR")
            let object = try #require(french["object"] as? [String: Any])
            let definition = try #require(object["definition"] as? [String: Any])
            #expect(definition["name"] as? [String: String] == ["fr-FR": "Quiz incendie"])
            #expect(definition["description"] as? [String: String] == ["en-US": "Ten questions"])
            #expect(definition["type"] as? String == "http://adlnet.gov/expapi/activities/assessment")
            let parent = try #require(((french["context"] as? [String: Any])?["contextActivities"] as? [String: Any])?["parent"] as? [[String: Any]])
            #expect((parent.first?["definition"] as? [String: Any])?["name"] as? [String: String] == ["fr-FR": "Sécurité incendie"])

            let exact = try await get("statementId=\(first)", language: "fr-FR")
            let exactDefinition = ((exact["object"] as? [String: Any])?["definition"] as? [String: Any])
            #expect(exactDefinition?["name"] as? [String: String] == ["en-US": "Fire quiz"], "exact is the statement as sent")
            #expect(exactDefinition?["description"] == nil)

            let english = try await get("statementId=\(second)&format=canonical", language: "en-US")
            let nested = try #require((english["object"] as? [String: Any]))
            #expect(((nested["object"] as? [String: Any])?["definition"] as? [String: Any])?["name"] as? [String: String] == ["en-US": "Fire quiz"],
                "the sub-statement's activity shows the canonical name, not the course's")
            let category = try #require(((english["context"] as? [String: Any])?["contextActivities"] as? [String: Any])?["category"] as? [[String: Any]])
            #expect((category.first?["definition"] as? [String: Any])?["name"] as? [String: String] == ["en-US": "Only here"])

            // A page of statements: every one with the canonical definition.
            let page = try await get("format=canonical&limit=10", language: "en-US")
            let statements = try #require(page["statements"] as? [[String: Any]])
            #expect(statements.count == 3)
            let names = statements.compactMap { statement -> [String: String]? in
                var object = statement["object"] as? [String: Any]
                if object?["objectType"] as? String == "SubStatement" { object = object?["object"] as? [String: Any] }
                return (object?["definition"] as? [String: Any])?["name"] as? [String: String]
            }
            #expect(names == Array(repeating: ["en-US": "Fire quiz"], count: 3))
        }
    }

    @Test func activitiesRejectsMissingOrBadIds() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            for (uri, parameter) in [("/xapi/activities", "activityId"), ("/xapi/activities?activityId=nope", "activityId"),
                                     (Self.activityQuery + "&extra=1", "extra")] {
                let response = try await client.execute(uri: uri, method: .get, headers: lrs.headers())
                #expect(response.status == .badRequest)
                #expect(String(buffer: response.body).contains(parameter))
            }
        }
    }

    @Test func agentsAnswersAPersonForTheAgent() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let mbox = try await client.execute(
                uri: "/xapi/agents?agent=%7B%22name%22%3A%22Ann%22%2C%22mbox%22%3A%22mailto%3Aann%40example.com%22%7D",
                method: .get, headers: lrs.headers())
            #expect(mbox.status == .ok)
            let person = try #require(try json(mbox) as? [String: Any])
            #expect(person["objectType"] as? String == "Person")
            #expect(person["name"] as? [String] == ["Ann"])
            #expect(person["mbox"] as? [String] == ["mailto:ann@example.com"])

            // Form encoding, as Python's urlencode writes it: `+` for a space, %2B for a plus.
            let formEncoded = try await client.execute(
                uri: "/xapi/agents?agent=%7B%22name%22%3A+%22Ann+Example%22%2C+%22mbox%22%3A+%22mailto%3Aann%2Blrs%40example.com%22%7D",
                method: .get, headers: lrs.headers())
            let decoded = try #require(try json(formEncoded) as? [String: Any])
            #expect(decoded["name"] as? [String] == ["Ann Example"])
            #expect(decoded["mbox"] as? [String] == ["mailto:ann+lrs@example.com"])

            let account = try await client.execute(
                uri: "/xapi/agents?agent=%7B%22account%22%3A%7B%22homePage%22%3A%22https%3A%2F%2Flms.example.com%22%2C%22name%22%3A%22a-1%22%7D%7D",
                method: .get, headers: lrs.headers())
            let accounts = try #require((try json(account) as? [String: Any])?["account"] as? [[String: String]])
            #expect(accounts == [["homePage": "https://lms.example.com", "name": "a-1"]])

            let group = "%7B%22objectType%22%3A%22Group%22%2C%22mbox%22%3A%22mailto%3Ateam%40example.com%22%7D"
            for uri in ["/xapi/agents", "/xapi/agents?agent=ann", "/xapi/agents?agent=%7B%22name%22%3A%22Ann%22%7D", "/xapi/agents?agent=\(group)"] {
                let response = try await client.execute(uri: uri, method: .get, headers: lrs.headers())
                #expect(response.status == .badRequest, "\(uri)")
                #expect(String(buffer: response.body).contains("agent"))
            }
        }
    }
}
