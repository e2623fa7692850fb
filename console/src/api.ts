// The console speaks to the OneWindow it is served by: /graphql over HTTP and graphql-ws.
import { createClient, type Client } from "graphql-ws";

const TOKEN_KEY = "onewindow.console.token";

export function token(): string | null {
  return localStorage.getItem(TOKEN_KEY);
}

export function setToken(value: string | null): void {
  if (value) localStorage.setItem(TOKEN_KEY, value);
  else localStorage.removeItem(TOKEN_KEY);
}

export interface GraphQLError {
  message: string;
  extensions?: { code?: string; field?: string[] };
}

export class RequestError extends Error {
  constructor(readonly errors: GraphQLError[]) {
    super(errors.map((e) => `${e.extensions?.code ?? "ERROR"}: ${e.message}`).join("; "));
  }
}

export async function request<T>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const headers: Record<string, string> = { "Content-Type": "application/json" };
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const response = await fetch("/graphql", { method: "POST", headers, body: JSON.stringify({ query, variables }) });
  const body = (await response.json()) as { data?: T; errors?: GraphQLError[] };
  if (body.errors?.length) throw new RequestError(body.errors);
  return body.data as T;
}

export interface LiveEvent {
  cursor: string;
  type: string;
  occurredAt: string;
  property: { unitCode: string } | null;
}

/** A subscription that resumes after a lost connection from the last cursor it saw
 *  (`after`), so no event is missed and none shown twice. */
export class ResumingSubscription {
  private client: Client | null = null;
  private stopped = false;
  private retry: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly query: string,
    public lastCursor: string | null,
    private readonly onEvent: (event: LiveEvent) => void,
    private readonly onState: (state: "connected" | "reconnecting") => void,
  ) {}

  start(): void {
    this.stopped = false;
    const url = `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/graphql`;
    const client = createClient({
      url,
      retryAttempts: 0,
      connectionParams: () => ({ Authorization: `Bearer ${token() ?? ""}` }),
      on: {
        connected: () => this.onState("connected"),
        closed: () => this.again(client),
      },
    });
    this.client = client;
    client.subscribe<{ events: LiveEvent }>(
      { query: this.query, variables: { after: this.lastCursor } },
      {
        next: (result) => {
          const event = result.data?.events;
          if (!event) return;
          this.lastCursor = event.cursor;
          this.onEvent(event);
        },
        error: () => this.again(client),
        complete: () => this.again(client),
      },
    );
  }

  private again(client: Client): void {
    if (this.stopped || client !== this.client) return;
    this.client = null;
    void client.dispose();
    this.onState("reconnecting");
    this.retry = setTimeout(() => this.start(), 1000);
  }

  /** Drops the connection as a network failure would (the live board's "reconnect" button). */
  interrupt(): void {
    const client = this.client;
    if (client) this.again(client);
  }

  stop(): void {
    this.stopped = true;
    if (this.retry) clearTimeout(this.retry);
    void this.client?.dispose();
    this.client = null;
  }
}

/** A document the server gives only with the bearer token (a certificate, an application):
 *  a plain link cannot send it, so the PDF is fetched here and shown in a new tab. */
export async function openDocument(path: string): Promise<void> {
  const tab = window.open("", "_blank"); // opened within the click, so no popup blocker stops it
  const headers: Record<string, string> = {};
  const bearer = token();
  if (bearer) headers.Authorization = `Bearer ${bearer}`;
  const response = await fetch(path, { headers });
  if (!response.ok) {
    tab?.close();
    throw new Error(`${response.status}: ${path}`);
  }
  const url = URL.createObjectURL(await response.blob());
  if (tab) tab.location.href = url;
  else location.assign(url);
}

export function applicationUrl(registrationId: string): string {
  return `/registrations/${encodeURIComponent(registrationId)}.pdf`;
}
