// Browser test of the page of `harness serve`: a real daemon on a temporary store, runs
// submitted through its API against the fake OpenAI server, and the page driven in
// headless Debian chromium. Asserts that a submitted run's progress bar appears, moves and
// reaches completion, that the run's scoreboard shows the stored score, and that the
// compare view shows the numbers of /api/compare.
//
// usage: node daemon_page.test.mjs HARNESS_BINARY FAKE_OPENAI_SERVER SOURCE_DIR
// Exits 0 on success, 1 on failure, 77 (ctest SKIP_RETURN_CODE) when chromium or
// playwright-core is missing.
import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import assert from "node:assert/strict";

const SKIP = 77;
const CHROMIUM = process.env.CHROMIUM || "/usr/bin/chromium";
const [harnessBin, fakeServerBin, sourceDir] = process.argv.slice(2);
if (!harnessBin || !fakeServerBin || !sourceDir) {
  console.error("usage: node daemon_page.test.mjs HARNESS_BINARY FAKE_OPENAI_SERVER SOURCE_DIR");
  process.exit(2);
}
if (!existsSync(CHROMIUM)) {
  console.log(`SKIP: ${CHROMIUM} is missing; install Debian's chromium (scripts/install-deps.sh)`);
  process.exit(SKIP);
}
const here = dirname(fileURLToPath(import.meta.url));
let chromium;
try {
  ({ chromium } = await import("playwright-core"));
} catch (e) {
  console.log(`SKIP: playwright-core is not installed; run \`npm ci\` in ${here} (scripts/install-deps.sh does)`);
  process.exit(SKIP);
}

const fixtures = join(sourceDir, "tests", "fixtures");
const work = mkdtempSync(join(tmpdir(), "harness-browser-"));
const children = [];
let browser;

function start(bin, args, name) {
  const child = spawn(bin, args, { stdio: ["ignore", "pipe", "pipe"] });
  child.output = "";
  child.stdout.on("data", (d) => (child.output += d));
  child.stderr.on("data", (d) => (child.output += d));
  child.on("exit", (code, signal) => (child.exited = { code, signal }));
  child.label = name;
  children.push(child);
  return child;
}

async function waitFor(what, fn, timeoutMs = 30000) {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v) return v;
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

// The port a process announced on its output ("... http://127.0.0.1:PORT ...").
async function announcedPort(child) {
  return waitFor(`${child.label} to listen`, () => {
    if (child.exited) throw new Error(`${child.label} exited (${JSON.stringify(child.exited)}):\n${child.output}`);
    const m = child.output.match(/http:\/\/127\.0\.0\.1:(\d+)/);
    return m && Number(m[1]);
  });
}

// A fake server that answers problems below `correctBelow` with the fixture's gold answer
// (so two variants get different, known scores) and every other one wrongly.
function fakeServer(name, correctBelow) {
  const rows = readFileSync(join(fixtures, "data", "gsm8k", "test.jsonl"), "utf8").trim().split("\n").map(JSON.parse);
  const lines = rows.map((row, i) => {
    const gold = row.answer.slice(row.answer.lastIndexOf("#### ") + 5);
    return JSON.stringify({ contains: `Problem ${i}:`, content: `Step by step.\n#### ${i < correctBelow ? gold : "-1"}` });
  });
  const replies = join(work, `${name}.jsonl`);
  writeFileSync(replies, lines.join("\n") + "\n");
  // A delay per reply, so that the run lasts long enough for the page to see it move.
  return start(fakeServerBin, ["--port", "0", "--replies", replies, "--delay-ms", "120"], name);
}

try {
  const fakeA = fakeServer("fake-a", 20);  // 20 of 40 right: 50.00
  const fakeB = fakeServer("fake-b", 30);  // 30 of 40 right: 75.00
  const serve = start(harnessBin, ["serve", "--listen", "127.0.0.1:0", "--store", join(work, "store.db"),
                                   "--data-dir", join(fixtures, "data"), "--templates-dir", join(fixtures, "templates")],
                      "harness serve");
  const [portA, portB, port] = await Promise.all([announcedPort(fakeA), announcedPort(fakeB), announcedPort(serve)]);
  const base = `http://127.0.0.1:${port}`;
  const api = async (path, init) => {
    const res = await fetch(base + path, init);
    const body = await res.text();
    if (!res.ok) throw new Error(`${path}: HTTP ${res.status}: ${body}`);
    return JSON.parse(body);
  };
  const submit = (variant, fakePort) =>
    api("/api/runs", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ targets: ["gsm8k_fixture"], variant, concurrency: 1,
                             endpoints: [{ url: `http://127.0.0.1:${fakePort}`, model: "fake-model" }] }),
    });

  browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"], headless: true });
  const page = await browser.newPage({ viewport: { width: 1366, height: 768 } });
  const pageErrors = [];
  page.on("pageerror", (e) => pageErrors.push(e.message));
  await page.goto(base + "/#/runs");
  await page.waitForSelector("#runs-table");

  // 1. A run submitted while the page is open shows up with a bar that moves and completes.
  const first = await submit("base", portA);
  const bar = `#runs-table .bar[data-run-id="${first.run_id}"]`;
  await page.waitForSelector(bar, { timeout: 15000 });
  const seen = new Set();
  await waitFor("the progress bar to reach 40/40", async () => {
    const done = await page.getAttribute(bar, "data-done").catch(() => null);
    const total = await page.getAttribute(bar, "data-total").catch(() => null);
    if (done !== null) seen.add(`${done}/${total}`);
    const status = await page.textContent(`#runs-table tr[data-run-id="${first.run_id}"] .status`).catch(() => "");
    return done === "40" && total === "40" && status === "complete";
  }, 60000);
  const partial = [...seen].filter((s) => s !== "40/40" && !s.startsWith("0/"));
  assert.ok(partial.length > 0, `the bar never showed a partial value (saw ${[...seen].join(", ")})`);
  const width = await page.$eval(`${bar} > span`, (e) => e.style.width);
  assert.equal(parseFloat(width), 100, `bar width ${width}`);

  // 2. The run's scoreboard shows the stored score and its sanity cell.
  await page.click(`#runs-table tr[data-run-id="${first.run_id}"]`);
  await page.waitForSelector('#board-table tr[data-template="gsm8k_fixture"]');
  const report = await api(`/api/runs/${first.run_id}?format=json`);
  const stored = report.benches[0].summary;
  assert.equal(await page.textContent('#board-table tr[data-template="gsm8k_fixture"] .score'),
               (100 * stored.score).toFixed(2));
  assert.equal((100 * stored.score).toFixed(2), "50.00");
  assert.ok((await page.textContent('#board-table tr[data-template="gsm8k_fixture"] .sanity')).length > 0);

  // 3. A second variant, then the compare view against /api/compare.
  const second = await submit("better", portB);
  await waitFor("the second run to complete", async () =>
    (await api(`/api/runs/${second.run_id}?format=json`)).status === "complete", 60000);
  await page.goto(base + "/#/compare");
  await page.waitForSelector('#pick-variants input[value="better"]');
  await page.check('#pick-variants input[value="base"]');
  await page.check('#pick-variants input[value="better"]');
  await page.click("#compare-go");
  await page.waitForSelector('#compare-table:not([hidden]) tr[data-template="gsm8k_fixture"]');
  // The numbers the page asked for: the same query, as JSON.
  const query = new URLSearchParams(new URL(page.url()).hash.replace(/^#\/compare\?/, ""));
  assert.equal(query.get("variants"), "base,better");
  query.set("format", "json");
  const board = await api("/api/compare?" + query.toString());
  const row = '#compare-table tr[data-template="gsm8k_fixture"]';
  for (const col of board.columns) {
    const cell = col.cells.gsm8k_fixture;
    const text = await page.textContent(`${row} td.score[data-column="${col.label}"]`);
    const expected = (100 * cell.score).toFixed(2) + " ±" + (100 * cell.stderr).toFixed(2) + cell.markers;
    assert.equal(text, expected, `compare cell of ${col.label}`);
  }
  const delta = board.columns[1].cells.gsm8k_fixture.delta_pp;
  assert.equal(await page.textContent(`${row} td.delta[data-column="${board.columns[1].label}"]`), "+" + delta.toFixed(2));
  assert.equal(delta.toFixed(2), "25.00");
  assert.deepEqual(pageErrors, [], "errors in the page");

  // 4. A daemon that wants a bearer token: the page asks once, keeps it for the tab.
  const token = "0123456789abcdef0123456789abcdef";
  writeFileSync(join(work, "token"), token + "\n");
  const locked = start(harnessBin, ["serve", "--listen", "127.0.0.1:0", "--store", join(work, "token.db"),
                                    "--token-file", join(work, "token")], "harness serve --token-file");
  const lockedBase = `http://127.0.0.1:${await announcedPort(locked)}`;
  const page2 = await browser.newPage();
  let prompts = 0;
  page2.on("dialog", (d) => { prompts++; d.accept(token); });
  await page2.goto(lockedBase + "/#/runs");
  await page2.waitForSelector("#runs-empty:not([hidden])");
  assert.equal(await page2.evaluate(() => sessionStorage.getItem("harness-token")), token);
  await page2.reload();
  await page2.waitForSelector("#runs-empty:not([hidden])");
  await page2.waitForTimeout(3500);  // one polling round with the kept token
  assert.equal(prompts, 1, "the page asked for the token more than once");
  assert.equal(await page2.isHidden("#error"), true);
  console.log(`ok: progress seen at ${partial.length} partial value(s); compare 50.00 vs 75.00, Δ +${delta.toFixed(2)}`);
} catch (e) {
  console.error("FAIL:", e.stack || e);
  for (const c of children) console.error(`--- ${c.label} output ---\n${c.output.slice(-4000)}`);
  process.exitCode = 1;
} finally {
  if (browser) await browser.close().catch(() => {});
  for (const c of children) if (!c.exited) c.kill("SIGTERM");
  await Promise.all(children.map((c) => c.exited ? null : new Promise((r) => c.on("exit", r))));
  rmSync(work, { recursive: true, force: true });
}
