/**
 * demos/chat (No Relay Chat, SPEC §7.1; issue 12 point 2) in headless Chromium against the demo
 * run by the real CLI: two browser contexts (two people) on one process with the memory back
 * end, and two contexts on two processes (two ports) sharing one real redis-server. Each time:
 * nicknames (one of them an `<img onerror>`), a channel joined by both, its topic, 50 messages exchanged
 * (25 each, sent at the same time), both pages showing all 50 in the same order — the order
 * the server kept them in — and leaving removes the member on the other page. Synchronised on
 * what the pages show, never on sleeps. Screenshots go to test-results/chat/.
 */
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { launchBrowser, openPage, requireChromium, type OpenedPage } from '../helpers/browser.js';
import { repoRoot, tempDir } from '../helpers/cli.js';
import { startRedisServer, type RedisServer } from '../helpers/redis-server.js';
import { requireSystemTool } from '../helpers/system-tool.js';
import { copyWebDemo, startWebBlock, type WebBlock } from '../helpers/web-demo.js';

const haveChromium = requireChromium('the No Relay Chat browser tests');
const haveRedis = requireSystemTool('redis-server', ['--version'], 'the No Relay Chat test on two processes');
const shots = path.join(repoRoot, 'test-results', 'chat');
const EVIL = '<img src=x onerror="window.pwned=1">';
const EACH = 25;
const WAIT = { timeout: 45_000, interval: 100 };

declare const window: { pwned?: number };

interface Shown {
  readonly seq: number;
  readonly nick: string;
  readonly text: string;
}

/** One person in a browser context of their own. */
class ChatUser {
  constructor(readonly opened: OpenedPage) {}

  get page(): Page {
    return this.opened.page;
  }

  async setNick(nick: string): Promise<void> {
    await this.page.locator('#nick-input').fill(nick);
    await this.page.locator('#nick-input').press('Enter');
    await expect.poll(() => this.page.locator('#my-nick').textContent(), WAIT).toBe(nick);
  }

  async join(channel: string): Promise<void> {
    await this.page.locator('#join-input').fill(`#${channel}`);
    await this.page.locator('#join-input').press('Enter');
    await expect.poll(() => this.page.locator('#room-name').textContent(), WAIT).toBe(`#${channel}`);
  }

  /** Type and send each line (the page sends them in order, one after the other). */
  async say(lines: readonly string[]): Promise<void> {
    const input = this.page.locator('#say-input');
    for (const line of lines) {
      await input.fill(line);
      await input.press('Enter');
    }
  }

  members(): Promise<string[]> {
    return this.page.locator('#members li').allTextContents();
  }

  messages(): Promise<Shown[]> {
    return this.page.locator('#messages li.nrc-msg').evaluateAll((lis) =>
      lis.map((li) => ({
        seq: Number(li.getAttribute('data-seq')),
        nick: li.querySelector('.nrc-nick')?.textContent ?? '',
        text: li.querySelector('.nrc-text')?.textContent ?? '',
      })),
    );
  }

  /** The channel's history as the server keeps it (the `session` RPC, with this person's cookie). */
  async serverHistory(url: string, channel: string): Promise<Shown[]> {
    const res = await this.opened.context.request.get(new URL('rpc/session', url).href);
    const body = (await res.json()) as { session: { joined: { channel: string; history: (Shown & { kind: string })[] }[] } };
    const room = body.session.joined.find((r) => r.channel === channel);
    return (room?.history ?? []).filter((m) => m.kind === 'message').map(({ seq, nick, text }) => ({ seq, nick, text }));
  }
}

describe.runIf(haveChromium)('demos/chat (No Relay Chat) in Chromium', () => {
  const tmp = tempDir('procblock-chat-browser-');
  let browser: Browser;
  const servers: WebBlock[] = [];
  let redis: RedisServer | undefined;

  beforeAll(async () => {
    mkdirSync(shots, { recursive: true });
    browser = await launchBrowser();
  });

  afterAll(async () => {
    await browser?.close();
    const results = await Promise.all(servers.map((s) => s.stop()));
    await redis?.stop();
    tmp.cleanup();
    // Ctrl-C stops each server cleanly.
    expect(results.map((r) => r.code)).toEqual(servers.map(() => 0));
  });

  /** Two people, on `urlA` and `urlB`: the whole conversation of the done-when criteria. */
  async function converse(urlA: string, urlB: string, channel: string, shot: string): Promise<void> {
    const alice = new ChatUser(await openPage(browser, urlA));
    const mallory = new ChatUser(await openPage(browser, urlB));
    try {
      await alice.setNick('alice');
      await mallory.setNick(EVIL);
      await alice.join(channel);
      await mallory.join(channel);
      // Each page shows both members; the markup-looking nickname is text.
      for (const u of [alice, mallory]) await expect.poll(() => u.members(), WAIT).toEqual([EVIL, 'alice'].sort((a, b) => a.localeCompare(b)));

      // The topic, set on one page, shows on both (as text).
      const topic = 'release at 5 <i>sharp</i>';
      await alice.page.locator('#topic-input').fill(topic);
      await alice.page.locator('#topic-input').press('Enter');
      for (const u of [alice, mallory]) await expect.poll(() => u.page.locator('#room-topic').textContent(), WAIT).toBe(topic);

      const fromAlice = Array.from({ length: EACH }, (_, i) => `alice ${i + 1} <b>not bold</b>`);
      const fromMallory = Array.from({ length: EACH }, (_, i) => `mallory ${i + 1} & <script>x</script>`);
      await Promise.all([alice.say(fromAlice), mallory.say(fromMallory)]);

      for (const u of [alice, mallory]) await expect.poll(async () => (await u.messages()).length, WAIT).toBe(2 * EACH);
      const [seenByAlice, seenByMallory, kept] = await Promise.all([alice.messages(), mallory.messages(), alice.serverHistory(urlA, channel)]);
      // The same 50, in the same order on both pages: the order the server kept them in.
      expect(seenByMallory).toEqual(seenByAlice);
      expect(seenByAlice).toEqual(kept);
      expect(seenByAlice.filter((m) => m.nick === 'alice').map((m) => m.text)).toEqual(fromAlice);
      expect(seenByAlice.filter((m) => m.nick === EVIL).map((m) => m.text)).toEqual(fromMallory);
      // Both sent at the same time: the two people's lines interleave.
      expect(new Set(seenByAlice.slice(0, EACH).map((m) => m.nick)).size).toBe(2);

      // Nothing anyone typed became markup, and no handler ran.
      for (const u of [alice, mallory]) {
        expect(await u.page.locator('#nrc img, #nrc b, #nrc i, #nrc script').count()).toBe(0);
        expect(await u.page.evaluate(() => window.pwned)).toBeUndefined();
        expect(await u.page.locator('#members li', { hasText: 'onerror' }).textContent()).toBe(EVIL);
      }
      await alice.page.screenshot({ path: path.join(shots, shot), fullPage: true });

      // A reload: the server puts the nickname in the page (the template escapes it), and the
      // page catches up with the channel from the server.
      await mallory.page.reload();
      expect(await mallory.page.locator('#my-nick').textContent()).toBe(EVIL);
      await expect.poll(async () => (await mallory.messages()).length, WAIT).toBe(2 * EACH);
      expect(await mallory.messages()).toEqual(seenByAlice);
      expect(await mallory.page.locator('#nrc img').count()).toBe(0);
      expect(await mallory.page.evaluate(() => window.pwned)).toBeUndefined();

      // Leaving removes the member on the other page, with a notice.
      await mallory.page.locator('#leave-button').click();
      await expect.poll(() => alice.members(), WAIT).toEqual(['alice']);
      await expect.poll(() => alice.page.locator('#messages li.nrc-notice').last().textContent(), WAIT).toContain(`${EVIL} left`);
      await expect.poll(() => mallory.page.locator('#room').isHidden(), WAIT).toBe(true);

      expect([...alice.opened.problems(), ...mallory.opened.problems()]).toEqual([]);
    } finally {
      await Promise.all([alice.opened.context.close(), mallory.opened.context.close()]);
    }
  }

  it('one process, memory back end: two people exchange 50 messages, all seen in order on both pages', async () => {
    const file = copyWebDemo('chat', path.join(tmp.dir, 'memory'));
    const server = await startWebBlock(file);
    servers.push(server);
    await converse(server.url, server.url, 'general', 'chat.png');
  }, 120_000);

  it.runIf(haveRedis)('two processes on two ports sharing one Redis: the same conversation across them', async () => {
    redis = await startRedisServer();
    const file = copyWebDemo('chat', path.join(tmp.dir, 'redis'));
    const [one, two] = await Promise.all([
      startWebBlock(file, { runtimeArgs: ['--unidist', redis.url] }),
      startWebBlock(file, { runtimeArgs: ['--unidist', redis.url] }),
    ]);
    servers.push(one, two);
    expect(one.url).not.toBe(two.url);
    await converse(one.url, two.url, 'ops', 'chat-two-processes.png');
  }, 120_000);
});
