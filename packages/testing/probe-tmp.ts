// TEMP probe (removed later)
import { createServer, request as httpRequest } from "node:http";
import { appendFileSync, writeFileSync } from "node:fs";
import { startFakeLlm } from "./src/index.ts";

const log = process.argv[2] ?? "/tmp/cli-probe/rec/requests.log";
writeFileSync(log, "");
const fake = await startFakeLlm();
const steps = JSON.parse(process.env.STEPS ?? "[]");
fake.script(...steps);
fake.whenExhausted({ text: "exhausted-default-answer" });
const proxy = createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on("data", (c) => chunks.push(c));
  req.on("end", () => {
    const body = Buffer.concat(chunks).toString();
    appendFileSync(log, `>>> ${req.method} ${req.url}\n${JSON.stringify(req.headers)}\n${body.slice(0, 20000)}\n\n`);
    const up = httpRequest(fake.url + req.url, { method: req.method, headers: req.headers }, (r) => {
      res.writeHead(r.statusCode ?? 500, r.headers);
      const out: Buffer[] = [];
      r.on("data", (c) => { out.push(c); res.write(c); });
      r.on("end", () => { appendFileSync(log, `<<< ${r.statusCode} ${Buffer.concat(out).toString().slice(0, 3000)}\n\n`); res.end(); });
    });
    up.end(body);
  });
});
proxy.listen(Number(process.env.PORT ?? 0), process.env.HOST ?? "0.0.0.0", () => console.log("PORT=" + (proxy.address() as any).port));
