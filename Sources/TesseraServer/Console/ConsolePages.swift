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

    static func home(account: Credential) -> String {
        DashboardLayout.signedIn(title: "Console", account: account) { html in
            html.raw("<h2>Console</h2>")
            DashboardLayout.linkTiles([
                ("API credentials", "/console/credentials", "Keys and secrets for courses, tools and integrations: create one with its scopes, revoke one at once."),
                ("Audit log", "/console/audit", "Every erasure, who asked for it and why, in a hash chain that tessera verify checks."),
                ("Erase a person", "/console/erase", "Remove a person's statements and documents, recording the request in the audit log."),
            ], into: &html)
        }
    }

    static func credentials(_ credentials: [Credential], account: Credential, notice: Notice?) -> String {
        DashboardLayout.signedIn(title: "API credentials", account: account) { html in
            switch notice {
            case .issued(let issued)?:
                html.raw(#"<section class="issued" data-issued><h2>New credential</h2><p>Copy the secret now: it is not shown again.</p><table><tbody>"#)
                for (label, value, marker) in [("Key", issued.credential.key, "key"), ("Secret", issued.secret, "secret")] {
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
            html.raw(#"<section><h2>Create a credential</h2><form class="create" method="post" action="/console/credentials"><label>Name<input name="name" required maxlength="200" placeholder="Storyline courses"></label><fieldset><legend>Scopes</legend>"#)
            for scope in Scope.allCases {
                html.raw(#"<label class="check"><input type="checkbox" name="scope.\#(scope.rawValue)""#)
                if scope == .statementsWrite { html.raw(" checked") }
                html.raw("> "); html.escaped(scope.rawValue); html.raw("</label>")
            }
            html.raw(#"</fieldset><button type="submit">Create</button></form><p class="hint">A course needs <code>statements/write</code> only; a tool that reads back what it sent, <code>statements/read/mine</code>.</p></section>"#)
            html.raw(#"<section><h2>Credentials</h2><table data-table="credentials"><thead><tr><th>Name</th><th>Key</th><th>Scopes</th><th>Created</th><th>State</th><th></th></tr></thead><tbody>"#)
            for credential in credentials.reversed() {
                html.raw("<tr><td>"); html.escaped(credential.name)
                html.raw("</td><td><code>"); html.escaped(credential.key)
                html.raw("</code></td><td>"); html.escaped(scopes(credential))
                html.raw("</td><td>"); html.escaped(String(credential.created.text.prefix(10)))
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
