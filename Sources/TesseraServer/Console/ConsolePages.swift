import Foundation
import TesseraAnalytics
import TesseraLRS
import XAPI

/// The console's pages (docs/console.md), in the dashboard's frame and style.
enum ConsolePages {
    /// What the last form did.
    enum Notice {
        case issued(IssuedCredential)
        case done(String)
        case problem(String)
    }

    /// What the last form did: a new credential or account with its secret (shown this once,
    /// under `labels`: the key's and the secret's label and marker), a message, or a problem.
    private static func show(
        _ notice: Notice?, title: String, hint: String, labels: (key: String, keyMarker: String, secret: String, secretMarker: String),
        into html: inout HTML
    ) {
        switch notice {
        case .issued(let issued)?:
            html.raw(#"<section class="issued" data-issued><h2>"#); html.escaped(title); html.raw("</h2><p>"); html.escaped(hint)
            html.raw("</p><table><tbody>")
            for (label, value, marker) in [(labels.key, issued.credential.key, labels.keyMarker), (labels.secret, issued.secret, labels.secretMarker)] {
                html.raw(#"<tr><th>\#(label)</th><td><code data-\#(marker)>"#); html.escaped(value); html.raw("</code></td></tr>")
            }
            html.raw("<tr><th>Scopes</th><td>"); html.escaped(scopes(issued.credential)); html.raw("</td></tr></tbody></table></section>")
        case .done(let message)?:
            html.raw(#"<p class="notice" role="status">"#); html.escaped(message); html.raw("</p>")
        case .problem(let message)?:
            html.raw(#"<p class="error" role="alert">"#); html.escaped(message); html.raw("</p>")
        case nil:
            break
        }
    }

    static func home(account: Credential) -> String {
        DashboardLayout.signedIn(title: "Console", account: account) { html in
            html.raw("<h2>Console</h2>")
            DashboardLayout.linkTiles([
                ("Accounts", "/console/accounts", "People who sign in here: viewers see the dashboard, admins the console too; create one, disable one."),
                ("Statements", "/console/statements", "Browse what courses sent: by person, verb, activity, registration and period; one statement's JSON."),
                ("API credentials", "/console/credentials", "Keys and secrets for courses, tools and integrations: create one with its scopes, revoke one at once."),
                ("Verbs and activities", "/console/vocabulary", "What courses send, the most used first, with counts: the IRIs to write a catalog with."),
                ("Roster", "/console/roster", "Who works here, in which team, since when: upload it, every problem shown by line before anything is applied."),
                ("Catalog", "/console/catalog", "Skills, programs, due dates and levels: upload it, checked whole before it replaces the current one."),
                ("Audit log", "/console/audit", "Every erasure, who asked for it and why, in a hash chain that tessera verify checks."),
                ("Erase a person", "/console/erase", "Remove a person's statements and documents, recording the request in the audit log."),
            ], into: &html)
        }
    }

    static func credentials(_ credentials: [Credential], account: Credential, notice: Notice?) -> String {
        DashboardLayout.signedIn(title: "API credentials", account: account) { html in
            show(notice, title: "New credential", hint: "Copy the secret now: it is not shown again.", labels: ("Key", "key", "Secret", "secret"), into: &html)
            html.raw(#"<section><h2>Create a credential</h2><form class="create" method="post" action="/console/credentials"><label>Name<input name="name" required maxlength="200" placeholder="Storyline courses"></label><fieldset><legend>Scopes</legend>"#)
            for scope in Scope.allCases {
                html.raw(#"<label class="check"><input type="checkbox" name="scope.\#(scope.rawValue)""#)
                if scope == .statementsWrite { html.raw(" checked") }
                html.raw("> "); html.escaped(scope.rawValue); html.raw("</label>")
            }
            html.raw(#"</fieldset><button type="submit">Create</button></form><p class="hint">A course needs <code>statements/write</code> only; a tool that reads back what it sent, <code>statements/read/mine</code>.</p></section>"#)
            html.raw(#"<section><h2>Credentials</h2><table data-table="credentials"><thead><tr><th>Name</th><th>Key</th><th>Scopes</th><th>Created</th><th>Last used</th><th>State</th><th></th></tr></thead><tbody>"#)
            for credential in credentials.reversed() {
                html.raw("<tr><td>"); html.escaped(credential.name)
                html.raw("</td><td><code>"); html.escaped(credential.key)
                html.raw("</code></td><td>"); html.escaped(scopes(credential))
                html.raw("</td><td>"); html.escaped(String(credential.created.text.prefix(10)))
                html.raw("</td><td data-last-used>"); html.escaped(credential.lastUsed.map { String($0.text.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "never")
                html.raw("</td><td>"); html.escaped(credential.revoked.map { "revoked \($0.text.prefix(10))" } ?? "active")
                html.raw("</td><td>")
                if credential.revoked == nil {
                    html.raw(#"<form method="post" action="/console/credentials/revoke"><input type="hidden" name="key" value=""#)
                    html.escaped(credential.key)
                    html.raw(#""><button type="submit" class="danger">Revoke</button></form>"#)
                }
                html.raw("</td></tr>")
            }
            html.raw("</tbody></table></section>")
        }
    }

    static func accounts(_ accounts: [Credential], account: Credential, notice: Notice?) -> String {
        DashboardLayout.signedIn(title: "Accounts", account: account) { html in
            show(notice, title: "New account", hint: "Give the person this password now: it is not shown again.",
                 labels: ("Name", "account", "Password", "password"), into: &html)
            html.raw(#"<section><h2>Create an account</h2><form class="create" method="post" action="/console/accounts"><label>Name to sign in with<input name="name" required maxlength="64" placeholder="lena"></label><label>Full name<input name="fullName" maxlength="200" placeholder="Lena Lindqvist"></label><label>Role<select name="role"><option value="viewer">viewer: the dashboard and learner views</option><option value="admin">admin: everything, the console too</option></select></label><button type="submit">Create</button></form></section>"#)
            html.raw(#"<section><h2>Accounts</h2><table data-table="accounts"><thead><tr><th>Name</th><th>Full name</th><th>Role</th><th>Created</th><th>Last signed in</th><th>State</th><th></th></tr></thead><tbody>"#)
            for person in accounts {
                html.raw("<tr><td><code>"); html.escaped(person.key); html.raw("</code>")
                for cell in [person.name, AccountRole(scopes: person.scopes).rawValue, String(person.created.text.prefix(10)),
                             person.lastUsed.map { String($0.text.prefix(16)).replacingOccurrences(of: "T", with: " ") } ?? "never",
                             person.revoked.map { "disabled \($0.text.prefix(10))" } ?? "active"] {
                    html.raw("</td><td>"); html.escaped(cell)
                }
                html.raw("</td><td>")
                if person.revoked == nil && person.key != account.key {
                    html.raw(#"<form method="post" action="/console/accounts/disable"><input type="hidden" name="name" value=""#)
                    html.escaped(person.key)
                    html.raw(#""><button type="submit" class="danger">Disable</button></form>"#)
                }
                html.raw("</td></tr>")
            }
            html.raw("</tbody></table></section>")
        }
    }

    static func auditLog(_ entries: [AuditEntry], account: Credential) -> String {
        DashboardLayout.signedIn(title: "Audit log", account: account) { html in
            html.raw(#"<section><h2>Audit log</h2><p class="caption">Oldest first. Each entry extends a hash chain (docs/audit.md); <code>tessera verify</code> checks it.</p>"#)
            guard !entries.isEmpty else {
                DashboardPage.empty("audit", "Nothing recorded yet: the log records every erasure.", into: &html)
                return html.raw("</section>")
            }
            html.raw(#"<table data-table="audit"><thead><tr><th>#</th><th>Entry</th></tr></thead><tbody>"#)
            for entry in entries {
                html.raw("<tr><td>\(entry.id)</td><td><code>"); html.escaped(String(decoding: entry.entry, as: UTF8.self)); html.raw("</code></td></tr>")
            }
            html.raw("</tbody></table></section>")
        }
    }

    static func erase(account: Credential, problem: String?) -> String {
        DashboardLayout.signedIn(title: "Erase a person", account: account) { html in
            if let problem { html.raw(#"<p class="error" role="alert">"#); html.escaped(problem); html.raw("</p>") }
            html.raw(#"""
                <section><h2>Erase a person</h2><p class="caption">Replaces every statement by or about the person with a tombstone, deletes their documents, attachments no other statement uses, and roster entry, and records who asked and why in the audit log (docs/audit.md "Erasure"). It cannot be undone.</p>
                <form class="create" method="post" action="/console/erase"><label>Person<input name="person" required placeholder="ann@example.com, or {&quot;account&quot;:{...}}"></label><label>Reason or ticket<input name="reason" required maxlength="500" placeholder="GDPR request HR-1234"></label><button type="submit" class="danger">Erase</button></form></section>
                """#)
        }
    }

    static func erased(_ report: ErasureReport, account: Credential) -> String {
        DashboardLayout.signedIn(title: "Erased", account: account) { html in
            html.raw(#"<section data-erased><h2>Erased</h2><p>"#)
            html.escaped("\(report.statements) statements, \(report.documents) documents, \(report.attachments) attachments and \(report.rosterEntries) roster entries removed; recorded as audit log entry \(report.auditID), requested by \(report.requestedBy).")
            html.raw(#"</p><p><a href="/console/audit">The audit log</a></p></section>"#)
        }
    }

    /// The person a form names: an e-mail address, or an Agent in JSON.
    static func agent(_ text: String) -> InverseFunctionalIdentifier? {
        if text.hasPrefix("{") { return try? Parameters.agent(text, version: .v2_0_0, groups: false) }
        let mbox = text.hasPrefix("mailto:") ? text : "mailto:" + text
        guard Formats.isMailtoIRI(mbox), text.contains("@") else { return nil }
        return .mbox(mbox)
    }

    private static func scopes(_ credential: Credential) -> String {
        credential.scopes.map(\.rawValue).sorted().joined(separator: ", ")
    }
}

extension ConsolePages {
    static func statements(
        _ statements: [[UInt8]], filters: StatementBrowser.Filters, next: Int64?, account: Credential, problem: String?
    ) -> String {
        DashboardLayout.signedIn(title: "Statements", account: account) { html in
            if let problem { html.raw(#"<p class="error" role="alert">"#); html.escaped(problem); html.raw("</p>") }
            html.raw(#"<form class="filters" method="get" action="/console/statements">"#)
            for (name, label, value, placeholder) in [
                ("person", "Person", filters.person, "ann@example.com"), ("verb", "Verb", filters.verb, "http://adlnet.gov/expapi/verbs/completed"),
                ("activity", "Activity", filters.activity, "https://courses.example.com/…"), ("registration", "Registration", filters.registration, "UUID"),
                ("from", "From", filters.from, "2024-01-01"), ("to", "To", filters.to, "2024-12-31"),
            ] {
                html.raw(#"<label>\#(label)<input name="\#(name)" placeholder="\#(HTML.escape(placeholder))" value=""#)
                html.escaped(value)
                html.raw(#""></label>"#)
            }
            html.raw(#"<button type="submit">Show</button></form>"#)
            html.raw(#"<section><h2>Statements, newest first</h2>"#)
            guard !statements.isEmpty else {
                DashboardPage.empty("statements", "No statement matches. Statements appear here once courses send them with a credential (API credentials in this console).", into: &html)
                return html.raw("</section>")
            }
            html.raw(#"<table data-table="statements"><thead><tr><th>Stored</th><th>Person</th><th>Verb</th><th>Object</th><th>Result</th></tr></thead><tbody>"#)
            for body in statements {
                guard let row = StatementRow(body) else { continue }
                html.raw(#"<tr><td><a href="/console/statements/\#(HTML.escape(row.id))">"#); html.escaped(row.stored); html.raw("</a>")
                for cell in [row.actor, row.verb, row.object, row.result] { html.raw("</td><td>"); html.escaped(cell) }
                html.raw("</td></tr>")
            }
            html.raw("</tbody></table>")
            if let next {
                var parameters = ["after=\(next)"]
                for (name, value) in [("person", filters.person), ("verb", filters.verb), ("activity", filters.activity),
                                      ("registration", filters.registration), ("from", filters.from), ("to", filters.to)] where !value.isEmpty {
                    parameters.append(name + "=" + DashboardPage.query(value))
                }
                html.raw(#"<p><a data-next href="/console/statements?\#(HTML.escape(parameters.joined(separator: "&")))">Older statements</a></p>"#)
            }
            html.raw("</section>")
        }
    }

    static func statement(_ body: [UInt8]?, id: String, voided: Bool, account: Credential) -> String {
        DashboardLayout.signedIn(title: "Statement", account: account) { html in
            html.raw("<section><h2>Statement <code>"); html.escaped(id); html.raw("</code></h2>")
            guard let body else {
                DashboardPage.empty("statement", "No statement with this id is stored (or it was erased).", into: &html)
                return html.raw("</section>")
            }
            if voided { html.raw(#"<p class="error" data-voided>Voided: a later statement voids it, and queries no longer return it.</p>"#) }
            let pretty = (try? JSONSerialization.jsonObject(with: Data(body)))
                .flatMap { try? JSONSerialization.data(withJSONObject: $0, options: [.prettyPrinted, .sortedKeys, .withoutEscapingSlashes]) }
                .map { String(decoding: $0, as: UTF8.self) } ?? String(decoding: body, as: UTF8.self)
            html.raw(#"<pre class="json">"#); html.escaped(pretty); html.raw(#"</pre><p><a href="/console/statements">All statements</a></p></section>"#)
        }
    }
}

/// What the statement browser shows of one stored statement.
struct StatementRow {
    let id: String, stored: String, actor: String, verb: String, object: String, result: String

    init?(_ body: [UInt8]) {
        guard let document = try? JSONDocument.parse(body), let id = document.root["id"]?.string else { return nil }
        let root = document.root
        self.id = id
        stored = (root["stored"]?.string).map { String($0.prefix(19)).replacingOccurrences(of: "T", with: " ") } ?? ""
        let actor = root["actor"]
        self.actor = actor?["name"]?.string ?? actor?["mbox"]?.string.map { $0.replacingOccurrences(of: "mailto:", with: "") }
            ?? actor?["account"]?["name"]?.string ?? "(group)"
        let display = root["verb"]?["display"]?.members.first?.value.string
        verb = display ?? root["verb"]?["id"]?.string.map { String($0.split(separator: "/").last ?? "") } ?? ""
        let objectID = root["object"]?["id"]?.string ?? ""
        object = root["object"]?["definition"]?["name"]?.members.first?.value.string.map { "\($0) (\(objectID))" } ?? objectID
        var result: [String] = []
        if let scaled = root["result"]?["score"]?["scaled"]?.double { result.append("score \(scaled)") }
        if let success = root["result"]?["success"]?.kind, success == .true || success == .false { result.append(success == .true ? "passed" : "failed") }
        if root["result"]?["completion"]?.kind == .true { result.append("completed") }
        self.result = result.joined(separator: ", ")
    }
}

extension ConsolePages {
    static func upload(
        _ document: CatalogRosterUpload.Document, current: String, text: String, outcome: Result<String, AnalyticsInputError>?, account: Credential
    ) -> String {
        let title = document == .roster ? "Roster" : "Catalog"
        return DashboardLayout.signedIn(title: title, account: account) { html in
            switch outcome {
            case .success(let message)?:
                html.raw(#"<p class="notice" role="status" data-loaded>"#); html.escaped(message); html.raw("</p>")
            case .failure(let error)?:
                html.raw(#"<section class="problems" data-problems><h2>Nothing was applied: "#)
                html.escaped(error.problems.count == 1 ? "1 problem" : "\(error.problems.count) problems")
                html.raw("</h2><ul>")
                for problem in error.problems {
                    html.raw("<li><b>"); html.escaped(problem.path); html.raw("</b> "); html.escaped(problem.message); html.raw("</li>")
                }
                html.raw("</ul></section>")
            case nil:
                break
            }
            html.raw("<section><h2>"); html.escaped(title); html.raw(#"</h2><p class="caption">"#); html.escaped(current)
            html.escaped(document == .roster
                ? " Paste the roster as CSV (columns mbox or mbox_sha1sum, openid, account_homePage and account_name; name, team, role, hired, left) or JSON (Schemas/roster.schema.json). It is checked whole first: any problem is listed by line and column, and nothing is applied."
                : " Paste the catalog as JSON (Schemas/catalog.schema.json; docs/analytics.md). It is checked whole first: any problem is listed by its path, and nothing is applied.")
            html.raw(#"</p><form class="upload" method="post" action="/console/\#(document.rawValue)"><textarea name="document" rows="14" required spellcheck="false">"#)
            html.escaped(text)
            html.raw(#"</textarea><button type="submit">Check and load</button></form></section>"#)
        }
    }
}

extension ConsolePages {
    /// The verbs and activities seen, with the activities' names from their definitions.
    static func vocabulary(_ vocabulary: Vocabulary, names: [String: String], account: Credential) -> String {
        DashboardLayout.signedIn(title: "Verbs and activities", account: account) { html in
            html.raw(#"<section><h2>Verbs and activities seen</h2><p class="caption">"#)
            html.escaped("In the latest \(HTML.count(Vocabulary.window)) statements stored, the most used first: copy these IRIs into the catalog (its skills' and programs' activities, and its assessment, completion and behaviour verbs; docs/analytics.md).")
            html.raw("</p>")
            guard !vocabulary.verbs.isEmpty else {
                DashboardPage.empty("vocabulary", "No statements yet: once courses send some, their verbs and activities are listed here.", into: &html)
                return html.raw("</section>")
            }
            for (title, marker, terms) in [("Verbs", "verbs", vocabulary.verbs), ("Activities", "activities", vocabulary.activities)] {
                html.raw("<h3>"); html.escaped(title)
                html.raw(#"</h3><table data-table="\#(marker)"><thead><tr><th>IRI</th><th>Name</th><th class="number">Statements</th></tr></thead><tbody>"#)
                for term in terms {
                    html.raw("<tr><td><code>"); html.escaped(term.iri); html.raw("</code></td><td>"); html.escaped(names[term.iri] ?? "")
                    html.raw(#"</td><td class="number">"#); html.escaped(HTML.count(term.statements)); html.raw("</td></tr>")
                }
                html.raw("</tbody></table>")
            }
            html.raw("</section>")
        }
    }
}
