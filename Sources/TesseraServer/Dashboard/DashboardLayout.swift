import TesseraLRS

/// The dashboard's page frame, style sheet and sign-in form (no script, no external resource).
enum DashboardLayout {
    /// `body` inside the page frame, titled `title`.
    static func page(title: String, body: (inout HTML) -> Void) -> String {
        var html = HTML()
        html.raw(#"<!DOCTYPE html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">"#)
        html.raw("<title>"); html.escaped(title); html.raw("</title><style>\(style)</style></head><body>")
        body(&html)
        html.raw("</body></html>")
        return html.text
    }

    /// A page for someone signed in: `title` in the header with who they are (and, for an admin,
    /// the console), a sign-out button, `body` in the main column.
    static func signedIn(title: String, account: Credential, body: (inout HTML) -> Void) -> String {
        page(title: title + " · Tessera") { html in
            html.raw(#"<header><h1><a class="home" href="/dashboard">Learning dashboard</a>"#)
            if title != "Learning dashboard" { html.raw(" · "); html.escaped(title) }
            html.raw("</h1>")
            if account.allows(.admin) { html.raw(#"<a class="nav" href="/console">Console</a>"#) }
            html.raw(#"<span>Signed in as "#)
            html.escaped(account.name)
            html.raw(#"</span><form method="post" action="/dashboard/logout"><button type="submit">Sign out</button></form></header><main>"#)
            body(&html)
            html.raw("</main>")
        }
    }

    /// Tiles that each link somewhere: a title and a line saying what is there.
    static func linkTiles(_ tiles: [(title: String, href: String, text: String)], into html: inout HTML) {
        html.raw(#"<div class="tiles">"#)
        for tile in tiles {
            html.raw(#"<a class="tile link" href="\#(tile.href)"><b>"#); html.escaped(tile.title)
            html.raw("</b><span>"); html.escaped(tile.text); html.raw("</span></a>")
        }
        html.raw("</div>")
    }

    /// The sign-in page, with `message` (why the last attempt failed) when there is one.
    static func signIn(message: String?) -> String {
        page(title: "Sign in · Tessera") { html in
            html.raw(#"<main class="sign-in"><h1>Tessera</h1><p>Sign in with your account.</p>"#)
            if let message {
                html.raw(#"<p class="error" role="alert">"#); html.escaped(message); html.raw("</p>")
            }
            html.raw(#"""
                <form method="post" action="/dashboard/login">
                <label>Name <input name="name" autocomplete="username" required autofocus></label>
                <label>Password <input name="password" type="password" autocomplete="current-password" required></label>
                <button type="submit">Sign in</button>
                </form>
                <p class="hint">An administrator creates accounts with <code>tessera accounts create --name NAME --role viewer</code>; the first start prints the admin account's password.</p>
                </main>
                """#)
        }
    }

    private static let style = """
        :root{font-family:system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1f2937;background:#f8fafc}
        body{margin:0}header{display:flex;align-items:center;gap:1rem;padding:.8rem 1.5rem;background:#1e3a8a;color:#fff}
        header h1{font-size:1.2rem;margin:0;flex:1}header a.home,header a.nav{color:#fff;text-decoration:none}header a.nav{font-weight:600}header form{margin:0}header button{background:#fff;color:#1e3a8a}
        main{max-width:1180px;margin:0 auto;padding:1rem 1.5rem}
        .filters{display:flex;flex-wrap:wrap;gap:.8rem;align-items:end;background:#fff;padding:.8rem 1rem;border:1px solid #e5e7eb;border-radius:8px}
        label{display:flex;flex-direction:column;font-size:.8rem;color:#4b5563;gap:.2rem}
        input,select{font:inherit;padding:.35rem .5rem;border:1px solid #cbd5e1;border-radius:5px;background:#fff}
        button{font:inherit;padding:.4rem .9rem;border:0;border-radius:5px;background:#1d4ed8;color:#fff;cursor:pointer}
        .tiles{display:grid;grid-template-columns:repeat(auto-fit,minmax(170px,1fr));gap:.8rem;margin:1rem 0}
        .tile{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:.7rem 1rem}
        .tile b{display:block;font-size:1.6rem;color:#1e3a8a}.tile span{font-size:.8rem;color:#4b5563}
        .grid{display:grid;grid-template-columns:repeat(auto-fit,minmax(540px,1fr));gap:1rem}
        #compliance{grid-column:1/-1}.stack{display:grid;gap:1rem;margin-top:1rem}section{background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:.8rem 1rem;overflow-x:auto}
        section h2{font-size:1.05rem;margin:.2rem 0}.caption{font-size:.82rem;color:#4b5563;margin:.2rem 0 .6rem}
        svg{max-width:100%;height:auto;font-size:12px}svg text{fill:#374151}svg .value{fill:#111827}svg .on-dark{fill:#fff}
        svg .none{fill:#9ca3af;font-style:italic}svg .empty-cell{fill:#f3f4f6}svg .reference{stroke:#dc2626;stroke-dasharray:4 3}
        svg .interval{stroke:#111827;stroke-width:1.5}svg .people{font-size:10px}svg .axis-title{fill:#4b5563;font-weight:600}svg .too-few{fill-opacity:.3;stroke:#6b7280;stroke-dasharray:3 2}svg .too-few-label{fill:#6b7280;font-style:italic}
        svg .line{fill:none;stroke-width:2}svg .band{fill-opacity:.14;stroke:none}svg .guide{stroke:#e5e7eb}
        table{border-collapse:collapse;font-size:.85rem;margin:.4rem 0;width:100%}th,td{text-align:left;padding:.3rem .5rem;border-bottom:1px solid #e5e7eb}
        th{color:#4b5563;font-weight:600}td.number,th.number{text-align:right}.overdue{color:#991b1b;font-weight:600}a{color:#1d4ed8}
        .find{display:flex;gap:.5rem;align-items:end;margin:1rem 0 0}.find input{min-width:18rem}
        svg .baseline{stroke:#9ca3af}.empty{background:#f8fafc;border:1px dashed #cbd5e1;border-radius:6px;padding:.8rem;color:#4b5563;font-size:.9rem}
        .gap{font-size:1.1rem;margin:.4rem 0}.error{background:#fef2f2;border:1px solid #fecaca;color:#991b1b;padding:.6rem .8rem;border-radius:6px}
        .landing{max-width:900px}.landing h1{font-size:2rem;margin:1.5rem 0 .3rem}.lead{font-size:1.05rem;color:#374151}
        a.tile.link{text-decoration:none;color:inherit}a.tile.link b{font-size:1.15rem}a.tile.link:hover{border-color:#1d4ed8}
        .create{display:flex;flex-wrap:wrap;gap:.8rem;align-items:end}fieldset{border:1px solid #e5e7eb;border-radius:6px;display:flex;flex-wrap:wrap;gap:.3rem .9rem}
        label.check{flex-direction:row;align-items:center;gap:.3rem;font-size:.85rem}button.danger{background:#b91c1c}.notice{background:#ecfdf5;border:1px solid #a7f3d0;color:#065f46;padding:.6rem .8rem;border-radius:6px}
        .issued{border-color:#1d4ed8}.upload{display:flex;flex-direction:column;gap:.6rem}.upload textarea{font:.82rem ui-monospace,monospace;width:100%;box-sizing:border-box}.problems{border-color:#fecaca;background:#fef2f2}.problems li{margin:.2rem 0}pre.json{background:#f8fafc;border:1px solid #e5e7eb;border-radius:6px;padding:.8rem;overflow-x:auto;font-size:.82rem}.issued code{font-size:1rem;user-select:all}
        .sign-in{max-width:360px;margin:4rem auto;background:#fff;border:1px solid #e5e7eb;border-radius:8px;padding:1.5rem}
        .sign-in form{display:flex;flex-direction:column;gap:.8rem}.hint{font-size:.8rem;color:#4b5563}code{font-size:.85em}
        """
}
