/**
 * Driving the real VS Code workbench (code-server + Debian Chromium through playwright-core).
 *
 * One Workbench = one fresh Chromium profile and one page on a workspace folder, which also means
 * a fresh extension host on the server. Selectors and traps follow the team's e2e recipe:
 * palette retry on "No matching commands", ~250 ms before clicking a context-menu item, webview
 * content in iframe.webview.ready → #active-frame.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type BrowserContext, type ConsoleMessage, type Frame, type FrameLocator, type Locator, type Page } from 'playwright-core';
import { e2eEnv } from './env';

/** The extension's contributions, as package.json declares them. */
export const LAKELENS = {
  containerId: 'lakelens',
  containerTitle: 'Lakehouse',
  viewId: 'lakelens.tables',
  outputChannel: 'Lakelens',
  extensionId: 'lakelens.lakelens',
} as const;

export const THEMES = { dark: 'Default Dark Modern', light: 'Default Light Modern' } as const;

export interface TreeRow {
  label: string;
  description: string;
  /** 1 for top-level rows */
  level: number;
  /** undefined for leaves */
  expanded: boolean | undefined;
}

export interface CollectedError {
  source: 'pageerror' | 'console' | 'exthost-log' | 'output-channel';
  /** url of the frame or log file it came from */
  where: string;
  text: string;
}

export interface OpenOptions {
  /** used for screenshot names; defaults to the workspace folder's name */
  name?: string;
  theme?: keyof typeof THEMES;
  viewport?: { width: number; height: number };
  /** wait for the Lakehouse activity-bar tab (default true) */
  waitForExtension?: boolean;
}

/** Console errors that say nothing about our extension: unreachable hosts in an offline sandbox etc. */
const HARMLESS_CONSOLE = [
  /Failed to load resource/i,
  /net::ERR_/i,
  /open-vsx|marketplace|gallery|vscode-unpkg|update\.code\.visualstudio/i,
  /github|microsoft\.com|login\.live/i,
  /Failed to fetch/i,
  /ServiceWorker|service worker/i,
];

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Chromium flags that work on this kind of machine (no sandbox as root, no network chatter). */
const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

let shotCounter = 0;

export class Workbench {
  readonly errors: CollectedError[] = [];
  /** every console message (any type), for debugging failures */
  readonly consoleLog: string[] = [];
  private closed = false;

  private constructor(
    readonly page: Page,
    readonly context: BrowserContext,
    readonly folder: string,
    readonly name: string,
    private readonly profileDir: string,
    /** exthost log folders that existed before this page connected (those after are ours) */
    private readonly logDirsBefore: Set<string>,
  ) {
    page.on('pageerror', (e) => this.errors.push({ source: 'pageerror', where: page.url(), text: `${e.name}: ${e.message}\n${e.stack ?? ''}` }));
    page.on('console', (m) => this.onConsole(m));
  }

  /** Opens a fresh Chromium on `folder` and waits for the workbench (and the extension's tab). */
  static async open(folder: string, opts: OpenOptions = {}): Promise<Workbench> {
    const env = e2eEnv();
    resetSettings(opts.theme ? { 'workbench.colorTheme': THEMES[opts.theme] } : {});
    const profiles = path.join(env.runDir, 'chrome-profiles');
    fs.mkdirSync(profiles, { recursive: true });
    const profileDir = fs.mkdtempSync(path.join(profiles, 'p-'));
    const home = env.browserHome;
    for (const d of ['config', 'cache', 'data', 'tmp']) fs.mkdirSync(path.join(home, d), { recursive: true });
    const context = await chromium.launchPersistentContext(profileDir, {
      executablePath: env.chromium,
      headless: true,
      viewport: opts.viewport ?? { width: 1400, height: 900 },
      reducedMotion: 'reduce',
      args: CHROMIUM_ARGS,
      // keep Chromium's crashpad/dconf/cache folders out of $HOME
      env: { ...process.env, HOME: home, XDG_CONFIG_HOME: path.join(home, 'config'), XDG_CACHE_HOME: path.join(home, 'cache'), XDG_DATA_HOME: path.join(home, 'data'), TMPDIR: shortTmpDir(path.join(home, 'tmp')) },
    });
    const page = context.pages()[0] ?? (await context.newPage());
    const wb = new Workbench(page, context, folder, opts.name ?? path.basename(folder), profileDir, new Set(exthostDirs()));
    try {
      await page.goto(`${env.baseUrl}/?folder=${encodeURIComponent(folder)}`, { waitUntil: 'domcontentloaded' });
      await page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
      if (opts.waitForExtension ?? true) await wb.activityTab().waitFor({ timeout: 60_000 });
    } catch (err) {
      await wb.screenshot('open-FAILED').catch(() => undefined);
      await wb.close();
      throw err;
    }
    return wb;
  }

  // ------------------------------------------------------------------ errors

  private pending: Promise<void>[] = [];

  private onConsole(m: ConsoleMessage): void {
    const loc = m.location();
    this.consoleLog.push(`[${m.type()}] ${m.text()} (${loc.url || m.page()?.url() || ''})`);
    if (m.type() !== 'error') return;
    const text = m.text();
    if (HARMLESS_CONSOLE.some((re) => re.test(text))) return;
    const classify = (where: string) => {
      const inWebview = /\/webview\/|fake\.html|vscode-webview/.test(where);
      if (inWebview || /lakelens/i.test(text)) this.errors.push({ source: 'console', where, text });
    };
    if (loc.url) {
      classify(loc.url);
      return;
    }
    // webview content is written into fake.html, so its messages carry no script URL: ask the
    // frame the logged value lives in for its address
    const arg = m.args()[0];
    if (!arg) return classify('');
    this.pending.push(arg.evaluate(() => String((globalThis as unknown as { location?: { href?: string } }).location?.href ?? '')).then(classify, () => classify('')));
  }

  /** Folders of the extension hosts this page started (exthostN under the profile's logs). */
  exthostLogDirs(): string[] {
    return exthostDirs().filter((d) => !this.logDirsBefore.has(d));
  }

  /**
   * Errors from the extension itself: uncaught errors in the page and its webviews, console errors
   * from webviews or mentioning lakelens, `[error]` lines of our extension host logs that mention
   * lakelens, and `[error]`/`ERROR` lines in the Lakelens output channel.
   */
  async extensionErrors(): Promise<CollectedError[]> {
    await Promise.all(this.pending);
    const out = [...this.errors];
    for (const dir of this.exthostLogDirs()) {
      for (const file of walk(dir)) {
        const base = path.basename(file);
        const text = fs.readFileSync(file, 'utf8');
        if (/exthost\.log$/.test(base)) {
          // a log entry starts with a timestamp; keep continuation lines (stacks) with their entry
          for (const entry of text.split(/\n(?=\d{4}-\d{2}-\d{2} )/)) {
            if (/\[error\]/.test(entry) && /lakelens/i.test(entry)) out.push({ source: 'exthost-log', where: file, text: entry.trim() });
          }
        } else if (isChannelLog(file, LAKELENS.outputChannel)) {
          for (const line of text.split('\n')) {
            if (/\[error\]|\bERROR\b|^\s*Error:/.test(line)) out.push({ source: 'output-channel', where: file, text: line });
          }
        }
      }
    }
    return out;
  }

  /** Throws listing every error from the extension itself (see extensionErrors). */
  async assertNoExtensionErrors(): Promise<void> {
    const errs = await this.extensionErrors();
    if (errs.length) {
      throw new Error(`${errs.length} error(s) from the extension:\n` + errs.map((e) => `- [${e.source}] ${e.text}\n    at ${e.where}`).join('\n'));
    }
  }

  // ------------------------------------------------------------------ palette, notifications

  /** Runs a command-palette command by its full title, e.g. 'Lakelens: Refresh'. */
  async runCommand(title: string, attempts = 6): Promise<void> {
    // a modal dialog (e.g. "Command … resulted in an error") swallows the keyboard: say so
    if (await this.dialog().isVisible()) throw new Error(`cannot run "${title}": a modal dialog is open: ${(await this.dialog().innerText()).replace(/\s+/g, ' ')}`);
    const quick = this.page.locator('.quick-input-widget');
    const input = quick.locator('.quick-input-box input');
    for (let i = 1; ; i++) {
      await this.page.keyboard.press('F1');
      await input.waitFor({ state: 'visible' });
      await input.fill('>' + title);
      // exact label match: "Lakelens: Refresh" must not pick "Lakelens: Refresh All"
      const row = quick.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(title)}$`) }) }).first();
      try {
        await row.waitFor({ timeout: 5000 });
      } catch (err) {
        // the palette was opened before the extension host registered the command: it says
        // "No matching commands" and never refreshes; close and open again
        await this.page.keyboard.press('Escape');
        await quick.waitFor({ state: 'hidden' });
        if (i >= attempts) throw new Error(`command "${title}" not in the palette after ${attempts} tries: ${(err as Error).message}`);
        await sleep(1000);
        continue;
      }
      await row.click();
      // the palette closes, or turns into the command's own quick pick (no '>' prefix any more)
      await waitUntil(async () => !(await quick.isVisible()) || !(await input.inputValue()).startsWith('>'), 10_000, `palette still open after running "${title}"`);
      return;
    }
  }

  /** The modal dialog, when one is open (errors thrown by commands show here). */
  dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Closes the modal dialog with one of its buttons; returns the dialog's text. */
  async dismissDialog(button: string | RegExp = /^(OK|Close|Cancel)$/): Promise<string> {
    const d = this.dialog();
    await d.waitFor({ timeout: 10_000 });
    const text = (await d.innerText()).trim();
    await d.getByRole('button', { name: button }).first().click();
    await d.waitFor({ state: 'hidden' });
    return text;
  }

  /**
   * Picks an item (by label) in the quick pick a command opened: types the label into the filter
   * and presses Enter once that item is the focused row (clicking races the list while it fills
   * in), then waits until the picker closes or moves on to its next question.
   */
  async quickPick(label: string | RegExp): Promise<void> {
    const quick = this.page.locator('.quick-input-widget');
    const input = quick.locator('.quick-input-box input');
    await quick.waitFor({ state: 'visible' });
    const placeholder = await input.getAttribute('placeholder');
    const text = typeof label === 'string' ? label : '';
    if (text) await input.fill(text);
    const re = typeof label === 'string' ? new RegExp(`^${escapeRe(label)}$`) : label;
    const wanted = quick.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: re }) }).first();
    await wanted.waitFor({ timeout: 15_000 });
    // the filter may list other matches first (v10 before v1): move down to the wanted row
    const focusedIsWanted = () => quick.locator('.monaco-list-row.focused', { has: this.page.locator('.label-name', { hasText: re }) }).count().then((n) => n > 0);
    for (let i = 0; i < 50 && !(await focusedIsWanted()); i++) await this.page.keyboard.press('ArrowDown');
    if (!(await focusedIsWanted())) throw new Error(`quick pick: could not focus ${String(label)}`);
    await this.page.keyboard.press('Enter');
    await waitUntil(async () => !(await quick.isVisible()) || (await input.getAttribute('placeholder')) !== placeholder, 15_000, `quick pick item ${String(label)} did not take`);
  }

  /**
   * Answers the input box a command opened (a free-text question, or a quick pick's typed value):
   * fills it with `text` and presses Enter, then waits until the box closes or asks the next
   * question (its prompt or placeholder changes).
   */
  async answer(text: string): Promise<void> {
    const quick = this.page.locator('.quick-input-widget');
    const input = quick.locator('.quick-input-box input');
    await quick.waitFor({ state: 'visible' });
    const before = `${await input.getAttribute('placeholder')}|${await quick.locator('.quick-input-message').innerText().catch(() => '')}|${await input.getAttribute('aria-label')}`;
    await input.fill(text);
    await this.page.keyboard.press('Enter');
    const now = async () => `${await input.getAttribute('placeholder')}|${await quick.locator('.quick-input-message').innerText().catch(() => '')}|${await input.getAttribute('aria-label')}`;
    await waitUntil(async () => !(await quick.isVisible()) || (await now()) !== before || (await input.inputValue()) === '', 15_000, `input "${text.slice(0, 20)}…" did not take`);
  }

  /** A notification toast containing text. */
  notification(text: string | RegExp): Locator {
    return this.page.locator('.notifications-toasts .notification-toast', { hasText: text });
  }

  async waitForNotification(text: string | RegExp, timeout = 20_000): Promise<string> {
    const t = this.notification(text).first();
    await t.waitFor({ state: 'visible', timeout });
    return (await t.innerText()).trim();
  }

  async clearNotifications(): Promise<void> {
    await this.runCommand('Notifications: Clear All Notifications');
    await this.page.locator('.notifications-toasts .notification-toast').first().waitFor({ state: 'detached', timeout: 5000 }).catch(() => undefined);
  }

  // ------------------------------------------------------------------ Lakehouse container + tree

  activityTab(): Locator {
    return this.page.getByRole('tab', { name: LAKELENS.containerTitle });
  }

  /** The Lakehouse view container (side bar part). */
  container(): Locator {
    return this.page.locator(`[id="workbench.view.extension.${LAKELENS.containerId}"]`);
  }

  /** Opens the Lakehouse container in the side bar (without toggling it closed when already open). */
  async showLakehouse(): Promise<void> {
    if (await this.container().isVisible()) return;
    const tab = this.activityTab();
    await tab.click();
    await this.page.mouse.move(700, 600); // no "Lakehouse" hover tooltip in screenshots
    try {
      await this.container().waitFor({ state: 'visible', timeout: 5000 });
    } catch {
      await this.runCommand(`View: Show ${LAKELENS.containerTitle}`);
      await this.container().waitFor({ state: 'visible', timeout: 10_000 });
    }
  }

  /** Tree rows of the Lakehouse container (all its views), as shown now. */
  treeRowLocator(label?: string | RegExp): Locator {
    const rows = this.container().locator('.monaco-list-row');
    if (label === undefined) return rows;
    const re = typeof label === 'string' ? new RegExp(`^${escapeRe(label)}$`) : label;
    return rows.filter({ has: this.page.locator('.label-name', { hasText: re }) });
  }

  async treeRows(): Promise<TreeRow[]> {
    const rows = this.treeRowLocator();
    const n = await rows.count();
    const out: TreeRow[] = [];
    for (let i = 0; i < n; i++) {
      const r = rows.nth(i);
      const label = ((await r.locator('.label-name').first().textContent().catch(() => '')) ?? '').trim();
      const description = ((await r.locator('.label-description').first().textContent({ timeout: 200 }).catch(() => '')) ?? '').trim();
      const level = Number((await r.getAttribute('aria-level')) ?? '1');
      const exp = await r.getAttribute('aria-expanded');
      out.push({ label, description, level, expanded: exp === null ? undefined : exp === 'true' });
    }
    return out;
  }

  /** Waits until a row with this label shows, then returns it. */
  async waitForTreeRow(label: string | RegExp, timeout = 20_000): Promise<Locator> {
    const row = this.treeRowLocator(label).first();
    await row.waitFor({ state: 'visible', timeout });
    return row;
  }

  /**
   * Shows the row with this label, expanding collapsed rows level by level (top to bottom) until
   * it appears; returns it.
   */
  async revealTreeRow(label: string | RegExp, timeout = 30_000): Promise<Locator> {
    const row = this.treeRowLocator(label).first();
    const deadline = Date.now() + timeout;
    while (!(await row.isVisible())) {
      if (Date.now() > deadline) throw new Error(`tree row ${String(label)} not found; rows: ${JSON.stringify(await this.treeRows())}`);
      const collapsed = this.container().locator('.monaco-list-row[aria-expanded="false"]').first();
      if (await collapsed.isVisible()) await collapsed.locator('.monaco-tl-twistie').click();
      else await sleep(250); // still loading
    }
    return row;
  }

  /** Expands a collapsed row (no-op when already expanded or a leaf). */
  async expandTreeRow(label: string | RegExp): Promise<void> {
    const row = await this.waitForTreeRow(label);
    if ((await row.getAttribute('aria-expanded')) === 'false') {
      await row.locator('.monaco-tl-twistie').click();
      await this.page.waitForFunction((el) => el?.getAttribute('aria-expanded') === 'true', await row.elementHandle(), { timeout: 10_000 });
    }
  }

  // ------------------------------------------------------------------ Explorer + context menus

  async showExplorer(): Promise<void> {
    await this.runCommand('View: Show Explorer');
    await this.page.locator('.explorer-folders-view').waitFor({ state: 'visible' });
  }

  /** A row of the file Explorer by its exact name (visible rows only: expand parents first). */
  explorerRow(name: string): Locator {
    return this.page.locator('.explorer-folders-view').getByRole('treeitem', { name, exact: true });
  }

  /** Right-clicks an element and clicks a context-menu item by name. */
  async contextMenu(target: Locator, item: string | RegExp): Promise<void> {
    await target.click({ button: 'right' });
    const menuItem = this.page.getByRole('menuitem', { name: item });
    await this.clickMenuItem(menuItem);
  }

  /** Right-clicks an Explorer folder/file row and clicks a menu item. */
  async explorerContextMenu(name: string, item: string | RegExp): Promise<void> {
    await this.contextMenu(this.explorerRow(name), item);
  }

  /** Names of the items in the open context menu. */
  async menuItems(): Promise<string[]> {
    await this.page.locator('.monaco-menu').first().waitFor();
    return (await this.page.getByRole('menuitem').allInnerTexts()).map((s) => s.split('\n')[0]!.trim()).filter(Boolean);
  }

  /**
   * VS Code menu items attach their mouseup listener only ~100 ms after rendering, so a quick
   * click is silently ignored: wait 250 ms, click, and retry once if the menu is still open.
   */
  async clickMenuItem(menuItem: Locator): Promise<void> {
    await menuItem.waitFor();
    await sleep(250);
    await menuItem.click();
    // a swallowed click leaves the menu open; a slow but accepted one closes it a moment later
    const closed = await menuItem.waitFor({ state: 'detached', timeout: 1000 }).then(() => true, () => false);
    if (!closed) await menuItem.click({ timeout: 2000 }).catch(() => undefined);
    await menuItem.waitFor({ state: 'detached', timeout: 5000 });
  }

  // ------------------------------------------------------------------ output channel

  /**
   * Text of an output channel (default: Lakelens), read from the file the extension host writes
   * for it under the profile's logs (exact, no scrolling through the Output editor needed).
   */
  outputChannelText(channel: string = LAKELENS.outputChannel): string {
    const files = this.exthostLogDirs().flatMap((d) => walk(d)).filter((f) => isChannelLog(f, channel));
    return files.map((f) => fs.readFileSync(f, 'utf8')).join('');
  }

  /** Waits until the output channel contains text (string or pattern); returns the whole text. */
  async waitForOutput(text: string | RegExp, { channel = LAKELENS.outputChannel as string, timeout = 20_000 } = {}): Promise<string> {
    const deadline = Date.now() + timeout;
    for (;;) {
      const all = this.outputChannelText(channel);
      if (typeof text === 'string' ? all.includes(text) : text.test(all)) return all;
      if (Date.now() > deadline) throw new Error(`output channel ${channel} has no ${String(text)} after ${timeout} ms; it holds:\n${all}`);
      await sleep(250);
    }
  }

  /** Shows an output channel in the Output panel (for screenshots). */
  async showOutputChannel(channel: string = LAKELENS.outputChannel): Promise<void> {
    await this.runCommand('Output: Show Output Channels...');
    const quick = this.page.locator('.quick-input-widget');
    await quick.locator('.quick-input-box input').fill(channel);
    const row = quick.locator('.monaco-list-row', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(channel)}$`) }) }).first();
    await row.click();
    await quick.waitFor({ state: 'hidden' });
  }

  // ------------------------------------------------------------------ webviews

  /** The content of the active webview (panel or view): iframe.webview.ready → #active-frame. */
  webview(nth = 0): FrameLocator {
    return this.page.locator('iframe.webview.ready').nth(nth).contentFrame().frameLocator('#active-frame');
  }

  /** Webview content frames as Frame objects (their URL ends in /webview/browser/pre/fake.html). */
  webviewFrames(): Frame[] {
    return this.page.frames().filter((f) => /fake\.html/.test(f.url()));
  }

  // ------------------------------------------------------------------ theme, screenshots

  /**
   * Switches the color theme with "Preferences: Color Theme" (the workbench writes the setting
   * itself; code-server does not pick up edits of settings.json made behind its back) and waits
   * for the workbench to repaint.
   */
  async setTheme(theme: keyof typeof THEMES): Promise<void> {
    const cls = theme === 'dark' ? 'vs-dark' : 'vs';
    if (await this.page.locator(`.monaco-workbench.${cls}`).count()) return;
    const label = THEMES[theme].replace(/^Default /, ''); // the picker lists "Dark Modern", "Light Modern"
    await this.runCommand('Preferences: Color Theme');
    const quick = this.page.locator('.quick-input-widget');
    const input = quick.locator('.quick-input-box input[placeholder*="Color Theme"]');
    await input.waitFor();
    await input.fill(label);
    // the focused row must be the theme asked for before Enter
    await quick.locator('.monaco-list-row.focused', { has: this.page.locator('.label-name', { hasText: new RegExp(`^${escapeRe(label)}$`) }) }).waitFor({ timeout: 10_000 });
    await this.page.keyboard.press('Enter');
    await quick.waitFor({ state: 'hidden' });
    await this.page.locator(`.monaco-workbench.${cls}`).waitFor({ timeout: 15_000 });
    await sleep(300); // let webviews pick up the new theme variables
  }

  /**
   * Saves test/e2e/screenshots/<file>/<NN>-<label>.png (the suite's name goes in front when it
   * differs from the file's) and returns its path.
   */
  async screenshot(label: string, opts: { fullPage?: boolean; locator?: Locator } = {}): Promise<string> {
    const file = testFileStem();
    const dir = path.join(e2eEnv().screenshotDir, file);
    fs.mkdirSync(dir, { recursive: true });
    const prefix = this.name === file ? '' : `${safe(this.name)}-`;
    const out = path.join(dir, `${String(++shotCounter).padStart(2, '0')}-${prefix}${safe(label)}.png`);
    if (opts.locator) await opts.locator.screenshot({ path: out });
    else await this.page.screenshot({ path: out, fullPage: opts.fullPage ?? false });
    return out;
  }

  // ------------------------------------------------------------------ teardown

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    const dump = path.join(e2eEnv().runDir, `console-${safe(this.name)}.log`);
    fs.writeFileSync(dump, this.consoleLog.join('\n') + '\n');
    await this.context.close().catch(() => undefined);
    fs.rmSync(this.profileDir, { recursive: true, force: true });
  }
}

// ------------------------------------------------------------------ settings + logs on disk

function settingsFile(): string {
  return path.join(e2eEnv().userDataDir, 'User', 'settings.json');
}

/** Restores User/settings.json to the run's template (written by the runner), plus overrides. */
export function resetSettings(overrides: Record<string, unknown> = {}): void {
  const tmpl = path.join(e2eEnv().runDir, 'settings.template.json');
  const base = JSON.parse(fs.readFileSync(tmpl, 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(settingsFile(), JSON.stringify({ ...base, ...overrides }, null, 2) + '\n');
}

/**
 * Merges values into User/settings.json. code-server reads it when a page loads; a page already
 * open does not see the change (use the UI, e.g. setTheme, for live changes).
 */
export function updateSettings(values: Record<string, unknown>): void {
  const cur = JSON.parse(fs.readFileSync(settingsFile(), 'utf8')) as Record<string, unknown>;
  fs.writeFileSync(settingsFile(), JSON.stringify({ ...cur, ...values }, null, 2) + '\n');
}

/** All exthost log folders of the profile: <user-data>/logs/<session>/exthostN. */
function exthostDirs(): string[] {
  const logs = path.join(e2eEnv().userDataDir, 'logs');
  if (!fs.existsSync(logs)) return [];
  const out: string[] = [];
  for (const session of fs.readdirSync(logs)) {
    const s = path.join(logs, session);
    if (!fs.statSync(s).isDirectory()) continue;
    for (const d of fs.readdirSync(s)) if (/^exthost\d+$/.test(d)) out.push(path.join(s, d));
  }
  return out;
}

function walk(dir: string): string[] {
  if (!fs.existsSync(dir)) return [];
  const out: string[] = [];
  for (const d of fs.readdirSync(dir, { withFileTypes: true })) {
    const p = path.join(dir, d.name);
    if (d.isDirectory()) out.push(...walk(p));
    else out.push(p);
  }
  return out;
}

/**
 * The file an output channel is written to: output_logging_<ts>/<N>-<channel>.log for plain
 * channels, <extension id>/<channel>.log for log channels ({ log: true }).
 */
function isChannelLog(file: string, channel: string): boolean {
  const base = path.basename(file);
  return base.endsWith(`-${channel}.log`) || base === `${channel}.log`;
}

/** The running e2e file: node --test runs each file in its own process, the file as argv[1]. */
function testFileStem(): string {
  return path.basename(process.argv[1] ?? 'e2e').replace(/\.e2e\.(js|ts|mjs|cjs)$/, '').replace(/\.(js|ts)$/, '');
}

/** Chromium's SingletonSocket lives in TMPDIR and unix socket paths must stay under 108 bytes. */
function shortTmpDir(preferred: string): string {
  if (preferred.length <= 48) return preferred;
  const dir = path.join(os.tmpdir(), `lakelens-${createHash('sha1').update(preferred).digest('hex').slice(0, 10)}`);
  fs.mkdirSync(dir, { recursive: true });
  return dir;
}

async function waitUntil(cond: () => Promise<boolean>, timeout: number, message: string): Promise<void> {
  const deadline = Date.now() + timeout;
  while (!(await cond())) {
    if (Date.now() > deadline) throw new Error(message);
    await sleep(100);
  }
}

function escapeRe(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function safe(s: string): string {
  return s.replace(/[^A-Za-z0-9._-]+/g, '_');
}
