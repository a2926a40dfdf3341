import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraStore
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
        let lrs = try TestLRS()
        let author = try lrs.credentials.create(name: "authoring tool", scopes: [.statementsWrite, .define])
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

    @Test func activitiesRejectsMissingOrBadIds() async throws {
        let lrs = try TestLRS()
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
        let lrs = try TestLRS()
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
