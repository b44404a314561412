import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { DemoServer } from "./demo-server.js";

const HALL = "demo-hall";
const LABELS = `/api/halls/${HALL}/fire-asset-labels`;

describe("defect 11: QR labels encode an address a phone can open", () => {
  const plain = new DemoServer();
  const published = new DemoServer({ publicUrl: "https://hallwatch.example.cn/console" });
  const proxied = new DemoServer({ http: { port: 0, trustProxy: "127.0.0.1" } });

  beforeAll(async () => {
    await Promise.all([plain.start(), published.start(), proxied.start()]);
  });
  afterAll(async () => {
    await Promise.all([plain.stop(), published.stop(), proxied.stop()]);
  });

  it("defect 11: without HALLWATCH_PUBLIC_URL, a sheet asked for through 127.0.0.1 is refused, naming the variable", async () => {
    expect(plain.at.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:/);
    for (const host of [undefined, "localhost:8080", "[::1]:8080", "127.0.0.2"]) {
      const res = await plain.getWithHost("admin", LABELS, host);
      expect(res.status, host).toBe(409);
      expect(JSON.parse(res.body).error.message, host).toMatch(/HALLWATCH_PUBLIC_URL/);
      expect(res.body).not.toContain("<svg");
    }
  });

  it("defect 11: without HALLWATCH_PUBLIC_URL, the labels use the address the browser used, and the sheet says so", async () => {
    const res = await plain.getWithHost("admin", LABELS, "hall-pc.branch.lan:8080");
    expect(res.status).toBe(200);
    expect(res.body).toContain("http://hall-pc.branch.lan:8080/#/inspect/demo-hall/E-01");
    expect(res.body).not.toContain("127.0.0.1");
    const notice = res.body.match(/<p class="address-notice"[^>]*>(.*?)<\/p>/s)?.[1] ?? "";
    expect(notice).toContain("HALLWATCH_PUBLIC_URL");
    expect(notice).toContain("http://hall-pc.branch.lan:8080");
  });

  it("defect 11: a Host header that is not a host name is refused", async () => {
    const res = await plain.getWithHost("admin", LABELS, "evil.example/<script>");
    expect([400, 409]).toContain(res.status);
    expect(res.body).not.toContain("<svg");
  });

  it("defect 11: with HALLWATCH_PUBLIC_URL the labels use it, whatever Host the request came through", async () => {
    const res = await published.getWithHost("admin", LABELS);
    expect(res.status).toBe(200);
    expect(res.body).toContain("https://hallwatch.example.cn/console/#/inspect/demo-hall/E-01");
    expect(res.body).not.toContain("127.0.0.1");
    expect(res.body).not.toContain(`class="address-notice"`);
  });

  it("defect 11: X-Forwarded-Host/-Proto count only from a proxy HALLWATCH_TRUST_PROXY trusts", async () => {
    const forwarded = { "x-forwarded-host": "hallwatch.branch.example", "x-forwarded-proto": "https" };
    const untrusted = await plain.getWithHost("admin", LABELS, "hall-pc.branch.lan:8080", forwarded);
    expect(untrusted.body).toContain("http://hall-pc.branch.lan:8080/#/inspect/demo-hall/E-01");
    expect(untrusted.body).not.toContain("hallwatch.branch.example");
    const trusted = await proxied.getWithHost("admin", LABELS, "127.0.0.1:9", forwarded);
    expect(trusted.status).toBe(200);
    expect(trusted.body).toContain("https://hallwatch.branch.example/#/inspect/demo-hall/E-01");
  });
});
