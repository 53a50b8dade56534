import { ApiClient } from "./api/client.ts";
import { credentialsPath, readCredentials, type CredentialsFile } from "./credentials.ts";
import { CliError } from "./errors.ts";
import { Output, type OutputFormat, type Streams } from "./output/output.ts";
import { CLI_VERSION } from "./version.ts";

/** The hosted service, as the official SDKs default to it. */
export const DEFAULT_BASE_URL = "https://app.warp.dev/api/v1";

/** The global options (each also read from its environment variable by the parser). */
export interface GlobalOptions {
  apiKey?: string;
  baseUrl?: string;
  outputFormat: OutputFormat;
  debug?: boolean;
}

/** What every command works with: the output, the server, the key, and a client for both. */
export class CliContext {
  readonly output: Output;
  private credentials: Promise<CredentialsFile> | undefined;

  constructor(
    readonly options: GlobalOptions,
    readonly streams: Streams,
    readonly env: NodeJS.ProcessEnv,
  ) {
    this.output = new Output(options.outputFormat, streams, env);
  }

  get debug() {
    return Boolean(this.options.debug);
  }

  get credentialsPath() {
    return credentialsPath(this.env);
  }

  storedCredentials(): Promise<CredentialsFile> {
    this.credentials ??= readCredentials(this.credentialsPath);
    return this.credentials;
  }

  /** `--base-url` / `OZ_API_BASE_URL`, else the server of the last `oz login`, else the hosted service. */
  async baseUrl(): Promise<string> {
    const chosen = this.options.baseUrl ?? (await this.storedCredentials()).default_base_url ?? DEFAULT_BASE_URL;
    return normaliseBaseUrl(chosen);
  }

  /** `--api-key` / `WARP_API_KEY`, else the key `oz login` stored for this server. */
  async apiKey(baseUrl: string): Promise<string | undefined> {
    return this.options.apiKey || (await this.storedCredentials()).servers[baseUrl]?.api_key;
  }

  /** A client for the chosen server; refuses to go on without a key unless `anonymous`. */
  async client(options: { anonymous?: boolean; apiKey?: string } = {}): Promise<ApiClient> {
    const baseUrl = await this.baseUrl();
    const apiKey = options.apiKey ?? (await this.apiKey(baseUrl));
    if (!apiKey && !options.anonymous) {
      throw new CliError(`Not logged in to ${baseUrl}: pass --api-key, set WARP_API_KEY, or run \`oz login\`.`);
    }
    return new ApiClient({
      baseUrl,
      ...(apiKey && { apiKey }),
      userAgent: `oz-cli/${CLI_VERSION} node/${process.versions.node}`,
      ...(this.debug && { debug: (line: string) => this.output.note(this.output.color.dim(line)) }),
    });
  }
}

/** No trailing slash; a bare origin (`http://host:8080`) gets the API's `/api/v1` path. */
export function normaliseBaseUrl(value: string): string {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new CliError(`Invalid base URL '${value}': expected e.g. https://oz.example.com/api/v1`);
  }
  if (url.pathname === "/" || url.pathname === "") url.pathname = "/api/v1";
  return url.toString().replace(/\/+$/, "");
}

/** The dashboard's origin: the base URL without its `/api/v1`. */
export function dashboardOrigin(baseUrl: string): string {
  return baseUrl.replace(/\/api\/v1$/, "");
}
