import { describe, expect, it } from "vitest";
import { EgressPolicy, EgressRefusedError, guardedLookup, pinGitRemote } from "./index.ts";

describe("the egress policy", () => {
  const policy = new EgressPolicy();

  it("refuses loopback, private, link-local, CGNAT and ULA addresses, however they are written", () => {
    for (const address of [
      "127.0.0.1",
      "10.0.0.1",
      "172.16.5.4",
      "172.31.255.255",
      "192.168.0.10",
      "169.254.169.254",
      "100.64.0.1",
      "0.0.0.0",
      "::1",
      "::",
      "fd00::1",
      "fe80::1",
      "::ffff:10.0.0.1",
      "::ffff:a00:1",
      "64:ff9b::a9fe:a9fe",
      "[::1]",
      "not-an-address",
    ])
      expect(policy.permits(address), address).toBe(false);
  });

  it("allows public addresses", () => {
    for (const address of ["1.1.1.1", "198.51.100.2", "172.32.0.1", "100.128.0.1", "2001:db8::1", "::ffff:8.8.8.8"])
      expect(policy.permits(address), address).toBe(true);
  });

  it("admits what the operator allow-listed, and nothing next to it", () => {
    const allowing = new EgressPolicy(["10.20.0.0/16", "fd12::/16"]);
    expect(allowing.permits("10.20.3.4")).toBe(true);
    expect(allowing.permits("fd12::5")).toBe(true);
    expect(allowing.permits("10.21.0.1")).toBe(false);
  });

  it("refuses a name that resolves to a refused address, after resolving it", async () => {
    const lookup = guardedLookup(policy);
    const err = await new Promise<Error | null>((resolve) => lookup("localhost", {}, (e) => resolve(e)));
    expect(err).toBeInstanceOf(EgressRefusedError);
    expect(err!.message).toMatch(/localhost refused: (127\.0\.0\.1|::1) is a private/);
  });
});

describe("pinning a git remote", () => {
  it("connects git:// to the checked address and pins http(s) names with curloptResolve", async () => {
    const allowing = new EgressPolicy(["127.0.0.0/8"]);
    expect((await pinGitRemote("git://localhost:9418/repo.git", allowing)).url).toMatch(
      /^git:\/\/(127\.0\.0\.1|\[::1\]):9418\/repo\.git$/,
    );
    const https = await pinGitRemote("https://localhost/owner/repo.git", new EgressPolicy(["127.0.0.0/8", "::1"]));
    expect(https.url).toBe("https://localhost/owner/repo.git");
    expect(https.config).toContainEqual(expect.stringMatching(/^http\.curloptResolve=localhost:443:/));
    expect(https.config).toContain("http.followRedirects=false");
  });

  it("refuses private addresses, other protocols and unparseable remotes", async () => {
    const policy = new EgressPolicy();
    await expect(pinGitRemote("git://127.0.0.1/repo.git", policy)).rejects.toThrow(/is a private/);
    await expect(pinGitRemote("https://169.254.169.254/x.git", policy)).rejects.toThrow(/is a private/);
    await expect(pinGitRemote("ssh://git@10.0.0.1/x.git", policy)).rejects.toThrow(/cannot be read here/);
    await expect(pinGitRemote("file:///etc", policy)).rejects.toThrow(/cannot be read here/);
    await expect(pinGitRemote("/srv/git/x", policy)).rejects.toThrow(/not an http/);
  });
});
