"""GraphiQL served by OneWindow itself, so it works on a county intranet without internet.

The scripts and styles are the npm packages `make install` puts in `api/graphiql_assets/`
(`npm ci` there); the page loads nothing from another host. Settings.graphiql_on is the one
switch: when off, GET /graphql from a browser answers 404 and the assets are not served.
"""

from __future__ import annotations

import json
from pathlib import Path

from starlette.exceptions import HTTPException
from starlette.requests import Request
from starlette.responses import FileResponse, HTMLResponse, Response
from starlette.routing import Route

ASSETS = Path(__file__).resolve().parent / "graphiql_assets" / "node_modules"
PREFIX = "/graphiql/"
# URL name → file in the installed packages; nothing else under node_modules is served.
FILES = {
    "react.js": "react/umd/react.production.min.js",
    "react-dom.js": "react-dom/umd/react-dom.production.min.js",
    "graphiql.js": "graphiql/graphiql.min.js",
    "graphiql.css": "graphiql/graphiql.min.css",
    "graphql-ws.js": "graphql-ws/umd/graphql-ws.min.js",
}

WELCOME = """\
# OneWindow GraphiQL
#
# Almost every field needs a token. In a shell:
#   .venv/bin/onewindow token --role REGISTRAR
# then, under "Headers" below, write:
#   {"Authorization": "Bearer <the token>"}
# and press the run button (or Ctrl-Enter).
# "Docs" (on the left) lists every query, mutation
# and subscription; subscriptions use the same header.

{ viewer { role subject } }
"""

PAGE = """<!doctype html>
<html lang="zh-CN">
<head>
  <meta charset="utf-8">
  <title>OneWindow GraphiQL</title>
  <link rel="stylesheet" href="/graphiql/graphiql.css">
  <style>body {{ margin: 0; height: 100vh; }} #graphiql {{ height: 100vh; }}</style>
</head>
<body>
  <div id="graphiql">Loading…</div>
  <script src="/graphiql/react.js"></script>
  <script src="/graphiql/react-dom.js"></script>
  <script src="/graphiql/graphql-ws.js"></script>
  <script src="/graphiql/graphiql.js"></script>
  <script>
    const endpoint = new URL("/graphql", location.href);
    const socketUrl = endpoint.href.replace(/^http/, "ws");
    const isSubscription = (query) => /^\\s*subscription\\b/m.test((query || "").replace(/#.*$/gm, ""));
    function fetcher(params, options) {{
      const headers = (options && options.headers) || {{}};
      if (isSubscription(params.query)) {{
        // One connection per subscription, so the headers editor's token is the one sent.
        const client = graphqlWs.createClient({{ url: socketUrl, connectionParams: headers, lazy: true }});
        return {{
          subscribe(sink) {{
            const stop = client.subscribe(params, sink);
            return {{ unsubscribe() {{ stop(); client.dispose(); }} }};
          }},
        }};
      }}
      return fetch(endpoint, {{
        method: "POST",
        headers: {{
          "Content-Type": "application/json",
          Accept: "application/graphql-response+json, application/json",
          ...headers,
        }},
        body: JSON.stringify(params),
      }}).then((response) => response.json());
    }}
    ReactDOM.createRoot(document.getElementById("graphiql")).render(
      React.createElement(GraphiQL, {{
        fetcher,
        defaultQuery: {welcome},
        defaultEditorToolsVisibility: "headers",
        isHeadersEditorEnabled: true,
        shouldPersistHeaders: true,
      }})
    );
  </script>
</body>
</html>
"""


def page() -> HTMLResponse:
    return HTMLResponse(PAGE.format(welcome=json.dumps(WELCOME)))


async def asset(request: Request) -> Response:
    relative = FILES.get(request.path_params["name"])
    if relative is None:
        raise HTTPException(404)
    path = ASSETS / relative
    if not path.is_file():
        raise HTTPException(404, "GraphiQL's assets are not installed: run `make install`")
    return FileResponse(path, headers={"Cache-Control": "public, max-age=86400"})


def routes(enabled: bool) -> list[Route]:
    return [Route(PREFIX + "{name}", asset)] if enabled else []
