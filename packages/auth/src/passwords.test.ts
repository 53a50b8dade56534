import { randomBytes, scryptSync } from "node:crypto";
import { describe, expect, it } from "vitest";
import { hashPassword, OWASP_SCRYPT_COST, passwordNeedsRehash, verifyPassword } from "./passwords.ts";

const CHEAP = { logN: 10, r: 8, p: 1 };

describe("password hashes", () => {
  it("use OWASP's scrypt cost by default and record it in the hash", async () => {
    expect(OWASP_SCRYPT_COST).toEqual({ logN: 17, r: 8, p: 1 });
    const stored = await hashPassword("hunter2 hunter2");
    expect(stored).toMatch(/^scrypt\$ln=17,r=8,p=1\$[A-Za-z0-9+/]+=*\$[A-Za-z0-9+/]+=*$/);
    expect(await verifyPassword("hunter2 hunter2", stored)).toBe(true);
    expect(await verifyPassword("hunter3 hunter3", stored)).toBe(false);
    expect(passwordNeedsRehash(stored)).toBe(false);
  });

  it("verify hashes of a cheaper cost, and ask for those to be rehashed", async () => {
    const cheap = await hashPassword("pw", CHEAP);
    expect(await verifyPassword("pw", cheap)).toBe(true);
    expect(passwordNeedsRehash(cheap)).toBe(true);
  });

  it("still verify the older format without a cost (Node's defaults), which needs a rehash", async () => {
    const salt = randomBytes(16);
    const legacy = `scrypt$${salt.toString("base64")}$${scryptSync("old pw", salt, 64).toString("base64")}`;
    expect(await verifyPassword("old pw", legacy)).toBe(true);
    expect(await verifyPassword("other", legacy)).toBe(false);
    expect(passwordNeedsRehash(legacy)).toBe(true);
  });

  it("refuse anything that is not one of our hashes", async () => {
    for (const stored of ["", "plain", "bcrypt$x$y", "scrypt$ln=x,r=8,p=1$a$b", "scrypt$ln=10,r=8,p=1$$"]) {
      expect(await verifyPassword("plain", stored)).toBe(false);
      expect(passwordNeedsRehash(stored)).toBe(true);
    }
  });
});
