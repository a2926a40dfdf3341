import Foundation
import HTTPTypes
import HummingbirdTesting
import NIOCore
import TesseraAnalytics
import TesseraCrypto
@testable import TesseraServer
import TesseraLRS
import TesseraSQLite
import Testing

/// The `/dashboard` page: signing in with a form and a signed session cookie, the charts drawn
/// from the same figures as the analytics API, filters, empty states, and bad input.
struct DashboardTests {
    // MARK: Signing in

    @Test(arguments: [TestingSetup.router, .live])
    func signingInSetsAStrictHttpOnlyCookieAndOpensThePage(_ setup: TestingSetup) async throws {
        let lrs = try await TestLRS()
        try await lrs.test(setup) { client in
            let unsigned = try await client.execute(uri: "/dashboard", method: .get)
            #expect(unsigned.status == .seeOther)
            #expect(unsigned.headers[.location] == "/dashboard/login")

            let form = try await client.execute(uri: "/dashboard/login", method: .get)
            #expect(form.status == .ok)
            #expect(form.headers[.contentType] == "text/html; charset=utf-8")
            #expect(String(buffer: form.body).contains(#"<form method="post" action="/dashboard/login">"#))

            let wrong = try await Self.signIn(client, key: lrs.viewer.credential.key, secret: "wrong")
            #expect(wrong.status == .unauthorized)
            #expect(String(buffer: wrong.body).contains("The name or password is wrong"))
            #expect(wrong.headers[.setCookie] == nil)

            // An API key and secret, even one allowed to read analytics, is not a person's account.
            let machine = try await Self.signIn(client, key: lrs.reader.credential.key, secret: lrs.reader.secret)
            #expect(machine.status == .unauthorized, "API credentials do not sign in to the dashboard")

            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let page = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie])
            #expect(page.status == .ok)
            let html = String(buffer: page.body)
            #expect(html.contains("Signed in as Lena Lindqvist"))
            #expect(page.headers[.contentSecurityPolicy]?.contains("default-src 'none'") == true, "no script, no outside resource")
            #expect(page.headers[.cacheControl] == "no-store")

            let signedOut = try await client.execute(uri: "/dashboard/logout", method: .post, headers: [.cookie: cookie])
            #expect(signedOut.status == .seeOther)
            #expect(signedOut.headers[.setCookie]?.hasPrefix("tessera_session=; Path=/; Max-Age=0") == true)
        }
    }

    @Test func theSessionCookieIsHttpOnlyStrictAndHoldsNoSecret() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let response = try await Self.signIn(client, key: lrs.viewer.credential.key, secret: lrs.viewer.secret)
            #expect(response.status == .seeOther)
            #expect(response.headers[.location] == "/dashboard")
            let header = try #require(response.headers[.setCookie])
            let attributes = Set(header.split(separator: ";").dropFirst().map { $0.trimmingCharacters(in: .whitespaces) })
            #expect(attributes == ["Path=/", "Max-Age=28800", "HttpOnly", "SameSite=Strict"])
            #expect(!header.contains(lrs.viewer.secret))

            var proxied = Self.formHeaders
            proxied[HTTPField.Name("X-Forwarded-Proto")!] = "https"
            let overHTTPS = try await client.execute(
                uri: "/dashboard/login", method: .post, headers: proxied,
                body: Self.form(key: lrs.viewer.credential.key, secret: lrs.viewer.secret))
            #expect(overHTTPS.headers[.setCookie]?.hasSuffix("; Secure") == true, "behind an HTTPS proxy the cookie is Secure")
        }
    }

    @Test func aTamperedForeignOrRevokedSessionIsRefused() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            // The last hex digit of the signature, changed.
            let last = cookie.last == "0" ? "1" : "0"
            let tampered = String(cookie.dropLast()) + last
            let refused = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: tampered])
            #expect(refused.status == .seeOther)
            #expect(refused.headers[.setCookie]?.contains("Max-Age=0") == true, "a bad cookie is cleared")

            // Another server's key (as after a restart) signs a cookie this one does not accept.
            let foreign = DashboardSession(signingKey: nil).value(account: lrs.viewer.credential.key, now: Int64(Date().timeIntervalSince1970))
            let other = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: "tessera_session=\(foreign)"])
            #expect(other.status == .seeOther)

            // A cookie naming another account, with this cookie's signature.
            let parts = cookie.dropFirst("tessera_session=".count).split(separator: ".")
            let swapped = "tessera_session=" + Array(lrs.administrator.credential.key.utf8).map { String(format: "%02x", $0) }.joined()
                + "." + parts[1] + "." + parts[2]
            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: swapped]).status == .seeOther)

            #expect(try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).status == .ok)
            _ = try await lrs.accounts.revoke(key: lrs.viewer.credential.key)
            let revoked = try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie])
            #expect(revoked.status == .seeOther, "disabling the account ends its sessions")
        }
    }

    @Test func sessionsExpireAfterTheirLifetime() throws {
        let session = DashboardSession(key: Array(repeating: 7, count: 32))
        let value = session.value(account: "reader", now: 1_000)
        #expect(session.account(from: value, now: 1_000) == "reader")
        #expect(session.account(from: value, now: 1_000 + DashboardSession.lifetimeSeconds - 1) == "reader")
        #expect(session.account(from: value, now: 1_000 + DashboardSession.lifetimeSeconds) == nil)
        #expect(session.account(from: "garbage", now: 1_000) == nil)
        #expect(session.account(from: value + "0", now: 1_000) == nil)
        #expect(DashboardSession.cookie(in: "theme=dark; tessera_session=abc.1.ff; other=1") == "abc.1.ff")
    }

    @Test func nodesSharingASigningKeyAcceptEachOthersSessions() throws {
        let key = try Ed25519Key.generate()
        let value = DashboardSession(signingKey: key).value(account: "reader", now: 1_000)
        #expect(DashboardSession(signingKey: key).account(from: value, now: 1_001) == "reader", "another node, the same key")
        #expect(DashboardSession(signingKey: try Ed25519Key.generate()).account(from: value, now: 1_001) == nil)
    }

    @Test func aCrossSiteOrMalformedSignInIsRefused() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            var crossSite = Self.formHeaders
            crossSite[.origin] = "https://attacker.example"
            let forged = try await client.execute(
                uri: "/dashboard/login", method: .post, headers: crossSite, body: Self.form(key: lrs.viewer.credential.key, secret: lrs.viewer.secret))
            #expect(forged.status == .forbidden)
            #expect(forged.headers[.setCookie] == nil)

            let json = try await client.execute(
                uri: "/dashboard/login", method: .post, headers: [.contentType: "application/json"], body: buffer(#"{"key":"a","secret":"b"}"#))
            #expect(json.status == .unsupportedMediaType)

            let missing = try await client.execute(uri: "/dashboard/login", method: .post, headers: Self.formHeaders, body: buffer("name=&password="))
            #expect(missing.status == .badRequest)
            let broken = try await client.execute(uri: "/dashboard/login", method: .post, headers: Self.formHeaders, body: buffer("name=%ZZ&password=x"))
            #expect(broken.status == .badRequest)
        }
    }

    // MARK: The page

    @Test func theSampleOrganisationIsDrawnWithTheAPIsFigures() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await Self.loadSample(lrs, client)
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let html = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).body)
            for chart in ["volume", "proficiency", "outcomes", "outcome-totals", "knowledge", "employees"] {
                let svg = try #require(Self.chart(chart, in: html), "chart \(chart) is on the page")
                #expect(svg.components(separatedBy: #"class="mark""#).count > 1, "chart \(chart) has data marks")
            }
            #expect(!html.contains("data-empty"), "the sample organisation leaves no chart empty")
            // The figures of docs/analytics.md and the README, in the charts' hover texts.
            #expect(html.contains("GDPR essentials: 89 of 113 enrolled completed"))
            #expect(html.contains("GDPR essentials: 37 of 89 completers applied it"))
            #expect(html.contains("Customer care · Coaching: mean 0.76, 7 assessed"))
            #expect(html.contains("Data protection (GDPR): mean first pass 0.79 over 74 learners"))
            // Every statement of the sample counts once in the volume chart.
            let volume = try #require(Self.chart("volume", in: html))
            let counted = volume.components(separatedBy: ": ").dropFirst().compactMap { Int($0.prefix { $0.isNumber }) }.reduce(0, +)
            #expect(counted == 1301)
            #expect(html.contains("<b>1,301</b>"))

            let cohort = String(buffer: try await client.execute(
                uri: "/dashboard?cohort=2024-05-31&to=2024-12-31", method: .get, headers: [.cookie: cookie]).body)
            #expect(cohort.contains(#"data-gap="15.2""#), "the documented employee retention gap")
            #expect(cohort.contains("Trained: 86 of 91 still employed"))
        }
    }

    /// Rates are drawn with the counts behind them and their 95% intervals; small groups are
    /// drawn faint and called too few to compare; the retention gap is read as an association
    /// with its interval. Figures computed by hand from the sample's counts.
    @Test func ratesShowCountsIntervalsAndSmallGroups() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await Self.loadSample(lrs, client)
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let html = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).body)
            let outcomes = try #require(Self.chart("outcomes", in: html))
            // GDPR: 89 of 113, Wilson 0.703-0.853.
            #expect(outcomes.contains("79% · 89 of 113"))
            #expect(outcomes.contains("95% interval 70% to 85%"))
            // 2 of the 4 completers applied it: a faint bar, too few to compare (interval 15%-85%).
            #expect(outcomes.contains("50% · 2 of 4<tspan class=\"too-few-label\"> · too few to compare</tspan>"), "\(outcomes)")
            #expect(outcomes.contains("95% interval 15% to 85%"))
            #expect(outcomes.components(separatedBy: #"class="mark too-few""#).count == 2, "only that bar is too few")
            #expect(html.contains("fewer than 10 people: too few to compare"))

            let cohort = String(buffer: try await client.execute(
                uri: "/dashboard?cohort=2024-05-31&to=2024-12-31", method: .get, headers: [.cookie: cookie]).body)
            // 86 of 91 trained against 23 of 29: +15.2 points, Newcombe's interval +2.4 to +33.2.
            #expect(cohort.contains("People who had trained were still employed more often (95% interval +2.4 to +33.2 points)."), "\(cohort)")
            #expect(cohort.contains("This is an association: it does not show that training made people stay."))
            #expect(!cohort.contains("in favour of"), "no wording that implies an effect")
            // The default cohort: 91 of 98 trained against 18 of 21, +7.1 points, 95% interval
            // -4.4 to +27.8: the data do not show a difference.
            let whole = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).body)
            #expect(whole.contains("(95% interval −4.4 to +27.8 points). The interval includes 0, so these data do not show a difference either way."),
                    "\(whole)")
            #expect(try #require(Self.chart("employees", in: cohort)).contains("95% · 86 of 91"))

            // Engineering has ten people: its trained and untrained groups are too few to compare.
            let team = String(buffer: try await client.execute(
                uri: "/dashboard?cohort=2024-05-31&to=2024-12-31&team=Engineering", method: .get, headers: [.cookie: cookie]).body)
            #expect(team.contains("data-too-few") && team.contains("Too few to compare: one of the groups has fewer than 10 people"), "\(team)")
        }
    }

    @Test func aTeamFilterAgreesWithTheAPIAndTeamsAddUp() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await Self.loadSample(lrs, client)
            let api = lrs.headers(lrs.reader, version: nil)
            func programs(_ query: String) async throws -> [[Int]] {
                let body = try #require(try json(try await client.execute(uri: "/analytics/outcomes\(query)", method: .get, headers: api)) as? [String: Any])
                return try #require(body["programs"] as? [[String: Any]]).map { [$0["enrolled"] as? Int ?? -1, $0["completed"] as? Int ?? -1, $0["behaviorChanged"] as? Int ?? -1] }
            }
            func pairs(_ query: String) async throws -> Int {
                let body = try #require(try json(try await client.execute(uri: "/analytics/retention/knowledge\(query)", method: .get, headers: api)) as? [String: Any])
                return try #require(body["rows"] as? [[String: Any]]).reduce(0) { $0 + ($1["pairs"] as? Int ?? 0) }
            }
            let whole = try await programs("")
            let teams = try await lrs.store.teamNames() + [Roster.unassignedTeam]
            #expect(teams.count == 6)
            var summed = Array(repeating: [0, 0, 0], count: whole.count)
            var pairsSummed = 0
            for team in teams {
                let query = "?team=" + (team.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "")
                for (index, row) in try await programs(query).enumerated() { summed[index] = zip(summed[index], row).map(+) }
                pairsSummed += try await pairs(query)
            }
            #expect(summed == whole, "every learner is in exactly one team")
            #expect(pairsSummed == (try await pairs("")))

            let warehouse = try await programs("?team=Warehouse")
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let html = String(buffer: try await client.execute(uri: "/dashboard?team=Warehouse", method: .get, headers: [.cookie: cookie]).body)
            let forklift = try #require(warehouse.first)
            #expect(html.contains("Forklift certification: \(forklift[1]) of \(forklift[0]) enrolled completed"))
            #expect(html.contains(#"<option value="Warehouse" selected>Warehouse</option>"#))
            let heatMap = try #require(Self.chart("proficiency", in: html))
            #expect(!heatMap.contains("Customer care"), "other teams are not drawn")
        }
    }

    @Test func emptyStatesSayWhatIsMissing() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let bare = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).body)
            for chart in ["volume", "proficiency", "outcomes", "knowledge", "employees"] {
                #expect(bare.contains(#"data-empty="\#(chart)""#), "chart \(chart) explains itself")
            }
            #expect(bare.contains("No catalog yet"))
            #expect(!bare.contains("PUT /analytics"), "written for L&D people, not for the API")
            #expect(!bare.contains("<svg"))

            let operatorCredential = try await lrs.credentials.create(name: "operator", scopes: [.admin])
            var headers = lrs.headers(operatorCredential, version: nil)
            headers[.contentType] = "application/json"
            let catalog = try Data(contentsOf: SampleOrganisationTests.fixtures.appendingPathComponent("catalog.json"))
            _ = try await client.execute(uri: "/analytics/catalog", method: .put, headers: headers, body: ByteBuffer(data: catalog))
            let catalogOnly = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).body)
            #expect(catalogOnly.contains("No roster yet"))
            #expect(catalogOnly.contains("Nobody enrolled in any program"))
            #expect(!catalogOnly.contains("No catalog yet"))
        }
    }

    @Test func badFiltersAreNamedAndHostileTextIsEscaped() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await Self.loadSample(lrs, client)
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            for (query, field) in [
                ("from=2024-13-01", "from"), ("to=yesterday", "to"), ("from=2024-06-01&to=2024-05-01", "to"), ("cohort=2024-02-30", "cohort"),
                ("program=https%3A%2F%2Fnowhere.example%2Fprogram", "program"),
            ] {
                let response = try await client.execute(uri: "/dashboard?\(query)", method: .get, headers: [.cookie: cookie])
                #expect(response.status == .badRequest, "\(query)")
                #expect(String(buffer: response.body).contains(#"data-field="\#(field)""#), "\(query) names \(field)")
            }
            let hostile = "<script>alert(1)</script>"
            let encoded = hostile.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await client.execute(uri: "/dashboard?team=\(encoded)", method: .get, headers: [.cookie: cookie])
            #expect(response.status == .badRequest, "an unknown team is named, not drawn as a team with nobody in it")
            let html = String(buffer: response.body)
            #expect(!html.contains(hostile))
            #expect(html.contains("&lt;script&gt;alert(1)&lt;/script&gt;"))
            #expect(html.contains(#"data-field="team""#))
        }
    }

    /// A bad filter is named and the form keeps what was chosen; the heat map's colours span
    /// the means drawn, each cell says how many people it is of, and skill names are whole.
    @Test func badInputKeepsTheFormAndTheHeatMapFollowsTheData() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            try await Self.loadSample(lrs, client)
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let refused = try await client.execute(
                uri: "/dashboard?from=2024-13-01&to=2024-10-31&team=Warehouse&program=https%3A%2F%2Flearn.northwind.example%2Fprograms%2Fgdpr",
                method: .get, headers: [.cookie: cookie])
            #expect(refused.status == .badRequest)
            let form = String(buffer: refused.body)
            #expect(form.contains(#"data-field="from""#))
            #expect(form.contains(#"<option value="Warehouse" selected>Warehouse</option>"#), "the team chosen is kept")
            #expect(form.contains(#"name="to" value="2024-10-31""#), "the valid date is kept")
            #expect(form.contains(#"<option value="https://learn.northwind.example/programs/gdpr" selected>GDPR essentials</option>"#))
            #expect(form.contains(#"<option value="Sales">Sales</option>"#), "every team can still be chosen")

            let html = String(buffer: try await client.execute(uri: "/dashboard", method: .get, headers: [.cookie: cookie]).body)
            let heatMap = try #require(Self.chart("proficiency", in: html))
            let means = heatMap.components(separatedBy: ": mean ").dropFirst().compactMap { Double($0.prefix(4)) }
            let (lowest, highest) = (try #require(means.min()), try #require(means.max()))
            #expect(highest - lowest < 0.3, "the sample's means sit in a narrow band: \(lowest)-\(highest)")
            let scale = heatMap.components(separatedBy: #"<rect class="scale""#).dropFirst().compactMap { part in
                part.components(separatedBy: #"text-anchor="middle">"#).dropFirst().first.flatMap { Double($0.prefix { $0 != "<" }) }
            }
            #expect(scale.first == lowest && scale.last == highest, "the scale runs from the lowest mean to the highest: \(scale)")
            #expect(heatMap.contains(">7 people</text>"), "Customer care's Coaching cell counts its 7 learners")
            #expect(heatMap.contains(">All teams</text>") && heatMap.contains("All teams · Coaching: mean") && heatMap.contains(">37 people</text>"),
                    "a first row for the whole organisation: Coaching's 37 learners over every team")
            #expect(heatMap.contains("Customer care · Coaching: mean 0.76, 7 assessed") && heatMap.contains("(too few to compare)"),
                    "a cell of 7 people is too few to compare")
            let rows = try #require(try json(try await client.execute(
                uri: "/analytics/proficiency?asOf=2024-12-31", method: .get, headers: lrs.headers(lrs.reader, version: nil))) as? [String: Any])
            let small = try #require(rows["rows"] as? [[String: Any]]).filter { $0["tooFewToCompare"] as? Bool == true }.count
            #expect(small > 0 && heatMap.components(separatedBy: #"class="mark too-few""#).count - 1 == small, "the faint cells are the API's small groups")
            #expect(heatMap.contains(">Data</tspan>") || heatMap.contains(">Data protection</tspan>"))
            #expect(heatMap.contains("(GDPR)</tspan>"), "the whole skill name is written, over lines")
        }
    }

    @Test func aQuoteWithACombiningMarkIsEscapedInAttributes() async throws {
        let combining = "\"\u{338} autofocus onfocus=alert(1) x=\""
        #expect(!HTML.escape(combining).unicodeScalars.contains("\""), "escaped by scalar, not by grapheme")
        let lrs = try await TestLRS()
        try await lrs.test(.live) { client in
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let encoded = combining.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? ""
            let response = try await client.execute(uri: "/dashboard?team=\(encoded)", method: .get, headers: [.cookie: cookie])
            let html = String(buffer: response.body)
            let rawQuoteWithMark = String(combining.prefix(1))
            let hasRawQuoteWithMark = html.contains(rawQuoteWithMark)
            #expect(!hasRawQuoteWithMark, "the quote and its mark never reach the page unescaped")
            let escapedForm = "&quot;" + String(rawQuoteWithMark.unicodeScalars.dropFirst()) + " autofocus"
            let shownEscaped = html.contains(escapedForm)
            #expect(shownEscaped)
        }
    }

    // MARK: Statement volume

    @Test func volumeCountsLearnersStatementsPerDayWithoutVoided() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.router) { client in
            let ids = (0..<4).map { _ in UUID().uuidString.lowercased() }
            let days = ["2024-03-01T09:00:00Z", "2024-03-01T17:00:00Z", "2024-03-03T08:00:00Z", "2024-03-03T09:00:00Z"]
            let statements = zip(ids, days).map { id, day in statementJSON(id: id, extra: #""timestamp":"\#(day)""#) }
            let posted = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer("[" + statements.joined(separator: ",") + "]"))
            #expect(posted.status == .ok)
            let voiding = #"{"actor":{"mbox":"mailto:ann@example.com"},"verb":{"id":"http://adlnet.gov/expapi/verbs/voided"},"object":{"objectType":"StatementRef","id":"\#(ids[3])"}}"#
            #expect(try await client.execute(uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(voiding)).status == .ok)

            let march = (Day("2024-03-01")!, Day("2024-03-31")!)
            let volume = try await lrs.store.statementVolume(from: march.0, to: march.1, team: nil, program: nil)
            #expect(volume == [DailyVolume(day: Day("2024-03-01")!, statements: 2), DailyVolume(day: Day("2024-03-03")!, statements: 1)])
            let span = try #require(try await lrs.store.learningDays())
            #expect(span.lowerBound == Day("2024-03-01")! && span.upperBound.ordinal >= Day("2024-03-03")!.ordinal)
            #expect(try await lrs.store.statementVolume(from: march.0, to: march.1, team: "Nobody's team", program: nil).isEmpty)
            let unassigned = try await lrs.store.statementVolume(from: march.0, to: march.1, team: Roster.unassignedTeam, program: nil)
            #expect(unassigned == volume, "learners not on a roster are unassigned")
        }
    }

    @Test func aPeriodOfCenturiesIsRefusedAndLongPeriodsAreDrawnByYear() async throws {
        let lrs = try await TestLRS()
        try await lrs.test(.live) { client in
            let posted = try await client.execute(
                uri: "/xapi/statements", method: .post, headers: lrs.headers(json: true), body: buffer(statementJSON(extra: #""timestamp":"2024-03-01T09:00:00Z""#)))
            #expect(posted.status == .ok)
            let cookie = try await Self.sessionCookie(client, lrs.viewer)
            let refused = try await client.execute(uri: "/dashboard?from=0001-01-01&to=9999-12-31", method: .get, headers: [.cookie: cookie])
            #expect(refused.status == .badRequest)
            #expect(String(buffer: refused.body).contains(#"data-field="from""#))
            let century = try await client.execute(uri: "/dashboard?from=1950-01-01&to=2049-12-31", method: .get, headers: [.cookie: cookie])
            #expect(century.status == .ok)
            #expect(String(buffer: century.body).contains("Statements per year"))
            #expect(try await client.execute(uri: "/health", method: .get).status == .ok)
        }
    }

    @Test func volumeBucketsStepByBucketAndKeepEveryCount() {
        let days = [DailyVolume(day: Day("2023-01-31")!, statements: 2), DailyVolume(day: Day("2023-02-01")!, statements: 3),
                    DailyVolume(day: Day("2024-12-31")!, statements: 4)]
        let months = VolumeBuckets(from: Day("2023-01-15")!, to: Day("2024-12-31")!, days: days)
        #expect(months.unit == "month")
        #expect(months.columns.count == 24)
        #expect(months.columns.first?.label == "2023-01" && months.columns.first?.value == 2)
        #expect(months.columns[1].label == "2023-02" && months.columns[1].value == 3)
        #expect(months.columns.last?.label == "2024-12" && months.columns.last?.value == 4)
        let weeks = VolumeBuckets(from: Day("2023-01-01")!, to: Day("2023-03-31")!, days: days)
        #expect(weeks.unit == "week")
        #expect(weeks.columns.first?.label == "2022-12-26", "a Sunday's week began on the Monday before, in the year before")
        #expect(weeks.axisTitle == "Week starting Monday (UTC)")
        #expect(weeks.columns.map(\.value).reduce(0, +) == 5)
        let years = VolumeBuckets(from: Day("1950-01-01")!, to: Day("2049-12-31")!, days: days)
        #expect(years.unit == "year")
        #expect(years.columns.count == 100)
        #expect(years.columns.first { $0.label == "2023" }?.value == 5 && years.columns.first { $0.label == "2024" }?.value == 4)
        let single = VolumeBuckets(from: Day("2024-02-28")!, to: Day("2024-03-01")!, days: [])
        #expect(single.columns.map(\.label) == ["2024-02-28", "2024-02-29", "2024-03-01"], "every date on the axis has its year")
        #expect(single.axisTitle == "Day (UTC)")
    }

    // MARK: Helpers

    static let formHeaders: HTTPFields = [.contentType: "application/x-www-form-urlencoded"]

    static func form(key: String, secret: String) -> ByteBuffer {
        let encode = { (text: String) in text.addingPercentEncoding(withAllowedCharacters: .alphanumerics) ?? "" }
        return buffer("name=\(encode(key))&password=\(encode(secret))")
    }

    static func signIn(_ client: any TestClientProtocol, key: String, secret: String) async throws -> TestResponse {
        try await client.execute(uri: "/dashboard/login", method: .post, headers: formHeaders, body: form(key: key, secret: secret))
    }

    /// Signs in with the account `credential` (its name and password) and returns the `Cookie`
    /// header value the browser would send.
    static func sessionCookie(_ client: any TestClientProtocol, _ credential: IssuedCredential) async throws -> String {
        let response = try await signIn(client, key: credential.credential.key, secret: credential.secret)
        #expect(response.status == .seeOther)
        let header = try #require(response.headers[.setCookie])
        return String(header.prefix { $0 != ";" })
    }

    static func loadSample(_ lrs: TestLRS, _ client: any TestClientProtocol) async throws {
        let fixtures = SampleOrganisationTests.fixtures
        _ = try await lrs.loadAnalytics(
            client, catalog: ByteBuffer(data: try Data(contentsOf: fixtures.appendingPathComponent("catalog.json"))),
            roster: ByteBuffer(data: try Data(contentsOf: fixtures.appendingPathComponent("roster.csv"))),
            statements: ByteBuffer(data: try Data(contentsOf: fixtures.appendingPathComponent("statements.json"))))
    }

    /// The `<svg data-chart="name">…</svg>` element of `html`.
    static func chart(_ name: String, in html: String) -> String? {
        guard let start = html.range(of: #"<svg data-chart="\#(name)""#),
            let end = html.range(of: "</svg>", range: start.upperBound..<html.endIndex)
        else { return nil }
        return String(html[start.lowerBound..<end.upperBound])
    }
}
