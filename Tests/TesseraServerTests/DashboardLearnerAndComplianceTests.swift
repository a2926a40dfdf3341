import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import Testing

/// The dashboard's mandatory-training panel, trends, retention curves and learner pages, read
/// in-process: the figures drawn are the API's, pages need a session, and what people type is
/// escaped.
struct DashboardLearnerAndComplianceTests {
    @Test func newPanelsDrawTheAPIsFigures() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await DashboardTests.loadSample(lrs, client)
            let cookie = try await DashboardTests.sessionCookie(client, lrs.viewer)
            let html = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).body)
            for chart in ["compliance", "trend", "mastery", "employee-curves"] {
                let svg = try #require(DashboardTests.chart(chart, in: html), "chart \(chart) is on the page")
                #expect(svg.components(separatedBy: #"class="mark"#).count > 1, "chart \(chart) has data marks")
            }
            // As of the period's end (the last day with a statement, 2024-12-16).
            #expect(html.contains("Forklift certification: 29 of 35 completed, 6 overdue"))
            #expect(html.contains("Due: Forklift certification by 2024-06-30, or within 60 days of joining; GDPR essentials by 2024-09-30, or within 30 days of joining."))
            #expect(html.contains(#"href="/dashboard/compliance.csv?asOf=2024-12-16""#))
            #expect(html.contains("Data protection (GDPR), 2024-07-31: mean 0.74 over 113 assessed"))
            #expect(html.contains("Data protection (GDPR): 13 of the 35 who reached mastery still at it"))
            #expect(html.contains(#"<polygon class="band""#), "the retention curves carry their bands")
        }
    }

    @Test func learnerPagesAndTheDownloadNeedASession() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await DashboardTests.loadSample(lrs, client)
            let agent = "%7B%22mbox%22%3A%22mailto%3Awarehouse01%40northwind.example%22%7D"
            for uri in ["/dashboard/learners?search=warehouse", "/dashboard/learner?agent=" + agent, "/dashboard/compliance.csv"] {
                let response = try await client.execute(uri: uri, method: .get)
                #expect(response.status == .seeOther && response.headers[.location] == "/dashboard/login", "\(uri)")
            }
            let cookie = try await DashboardTests.sessionCookie(client, lrs.viewer)
            let found = String(buffer: try await client.execute(uri: "/dashboard/learners?search=warehouse+1", method: .get, headers: [.cookie: cookie]).body)
            #expect(found.contains("13 people match &quot;warehouse 1&quot;"))
            #expect(found.contains(#"<a href="/dashboard/learner?agent=\#(agent)">Warehouse 1</a>"#))
            let hostile = String(buffer: try await client.execute(uri: "/dashboard/learners?search=%3Cscript%3Ex", method: .get, headers: [.cookie: cookie]).body)
            #expect(hostile.contains("Nobody matches &quot;&lt;script&gt;x&quot;") && !hostile.contains("<script>"))

            let record = String(buffer: try await client.execute(uri: "/dashboard/learner?asOf=2024-12-16&agent=" + agent, method: .get, headers: [.cookie: cookie]).body)
            #expect(record.contains("Team Warehouse · hired 2022-10-29 · warehouse01@northwind.example"))
            #expect(record.contains("Data protection (GDPR), 2024-08-28: 0.62 (practitioner)"))
            #expect(record.contains("0.78 → 0.62"), "the knowledge-retention pair")
            #expect(record.contains("<td>2024-03-15</td><td>completed</td>"), "forklift completed on time")
            let bad = try await client.execute(uri: "/dashboard/learner?agent=%7B", method: .get, headers: [.cookie: cookie])
            #expect(bad.status == .badRequest)

            let csv = try await client.execute(uri: "/dashboard/compliance.csv?asOf=2024-12-20&team=Sales", method: .get, headers: [.cookie: cookie])
            #expect(csv.status == .ok && csv.headers[.contentType]?.hasPrefix("text/csv") == true)
            #expect(csv.headers[.contentDisposition]?.hasPrefix("attachment") == true)
            let lines = String(buffer: csv.body).split(separator: "\r\n")
            #expect(lines.count == 1 + 6 && lines.dropFirst().allSatisfy { $0.contains(",Sales,") }, "Sales: six overdue on GDPR")
        }
    }
}
