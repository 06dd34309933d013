// ZipStream's archives read back by Python's zipfile (CRC of every member checked), Info-ZIP `unzip -t` and Graft's
// own zip reader: ZIP64 records forced on a small archive, chosen by themselves past 65,535 members, and (one-off,
// GRAFT_ZIP64_LARGE=1, ~4.3 GB of disk, no more memory than a few MiB) past 4 GiB streamed to a file.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, openSync, rmSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { memorySource } from './byte-source';
import { readEntry, readZipDirectory } from './zip';
import { ZipStream, type ZipStreamOptions } from './zip-writer';

const dir = mkdtempSync(join(tmpdir(), 'graft-zip64-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const bytes = (n: number, seed: number) => {
  const out = new Uint8Array(n);
  for (let i = 0; i < n; i++) out[i] = (i * 31 + seed * 7) & 255;
  return out;
};
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

async function zipInMemory(members: [string, Uint8Array[]][], options: ZipStreamOptions): Promise<Uint8Array> {
  const chunks: Uint8Array[] = [];
  const zip = new ZipStream((c) => void chunks.push(c.slice()), options);
  for (const [name, parts] of members) {
    await zip.begin(name);
    for (const p of parts) await zip.data(p);
    await zip.end();
  }
  await zip.finish();
  return new Uint8Array(Buffer.concat(chunks));
}

/** Python's zipfile: testzip (reads every member, checks its CRC) and each member's size and sha256. */
function pythonList(path: string): { name: string; size: number; sha256: string }[] {
  const script = `
import hashlib, json, sys, zipfile
with zipfile.ZipFile(sys.argv[1]) as z:
    bad = z.testzip()
    if bad is not None: raise SystemExit('bad CRC: ' + bad)
    for i in z.infolist():
        h = hashlib.sha256()
        with z.open(i) as f:
            while True:
                b = f.read(1 << 24)
                if not b: break
                h.update(b)
        print(json.dumps({'name': i.filename, 'size': i.file_size, 'sha256': h.hexdigest()}))
`;
  return execFileSync('python3', ['-c', script, path], { encoding: 'utf8', maxBuffer: 64 << 20 }).trim().split('\n').map((l) => JSON.parse(l));
}

const unzipTest = (path: string) => execFileSync('unzip', ['-tqq', path], { encoding: 'utf8', maxBuffer: 64 << 20 });

/** The end-of-central-directory records as written: the 32-bit end record's fields, and the ZIP64 locator if any. */
function endRecords(zip: Uint8Array) {
  const v = new DataView(zip.buffer, zip.byteOffset, zip.byteLength);
  const end = zip.byteLength - 22;
  expect(v.getUint32(end, true)).toBe(0x06054b50);
  const locator = end - 20;
  const hasLocator = locator >= 0 && v.getUint32(locator, true) === 0x07064b50;
  return {
    count: v.getUint16(end + 10, true),
    cdSize: v.getUint32(end + 12, true),
    cdOffset: v.getUint32(end + 16, true),
    zip64: hasLocator ? { at: Number(v.getBigUint64(locator + 8, true)), sig: v.getUint32(Number(v.getBigUint64(locator + 8, true)), true) } : null,
  };
}

describe('ZipStream', () => {
  const members: [string, Uint8Array[]][] = [
    ['ckpt.data-00000-of-00001', [bytes(1000, 1), bytes(70_000, 2)]],
    ['empty', []],
    ['dir/ckpt.index', [bytes(33, 3)]],
    ['naïve-名前.bin', [bytes(5, 4)]],
  ];
  const expected = members.map(([name, parts]) => {
    const all = new Uint8Array(Buffer.concat(parts));
    return { name, size: all.byteLength, sha256: sha(all) };
  });

  it('a plain archive has no ZIP64 records; Python, unzip and Graft read it', async () => {
    const zip = await zipInMemory(members, {});
    const path = join(dir, 'plain.zip');
    writeFileSync(path, zip);
    expect(pythonList(path)).toEqual(expected);
    unzipTest(path);
    expect(endRecords(zip)).toMatchObject({ count: 4, zip64: null });
  });

  it('forced ZIP64: every 32-bit field says "see ZIP64", and Python, unzip and Graft read it through the ZIP64 records', async () => {
    const zip = await zipInMemory(members, { zip64: 'always' });
    const path = join(dir, 'forced.zip');
    writeFileSync(path, zip);
    const end = endRecords(zip);
    expect(end).toMatchObject({ count: 0xffff, cdSize: 0xffffffff, cdOffset: 0xffffffff });
    expect(end.zip64?.sig).toBe(0x06064b50);
    // Each central header: sizes and offset 0xFFFFFFFF, version needed 4.5, a ZIP64 extra field of 24 bytes.
    const v = new DataView(zip.buffer);
    const cdOffset = Number(v.getBigUint64(end.zip64!.at + 48, true));
    expect(v.getUint32(cdOffset, true)).toBe(0x02014b50);
    expect(v.getUint16(cdOffset + 6, true)).toBe(45);
    expect([v.getUint32(cdOffset + 20, true), v.getUint32(cdOffset + 24, true), v.getUint32(cdOffset + 42, true)]).toEqual([0xffffffff, 0xffffffff, 0xffffffff]);
    expect([v.getUint16(cdOffset + 46 + 24, true), v.getUint16(cdOffset + 46 + 24 + 2, true)]).toEqual([1, 24]);
    expect(pythonList(path)).toEqual(expected);
    unzipTest(path);
    const source = memorySource('forced.zip', zip);
    const entries = await readZipDirectory(source);
    expect(entries.map((e) => [e.name, e.size])).toEqual(expected.map((e) => [e.name, e.size]));
    for (const [i, e] of entries.entries()) expect(sha(await readEntry(source, e))).toBe(expected[i]!.sha256);
  });

  for (const zip64 of ['auto', 'always'] as const) {
    it(`alignment 64 (torch's rule), ZIP64 ${zip64}: each member's data at a multiple of 64 after an 'FB' padding field; Python, unzip and Graft read it`, async () => {
      // ASCII names, as torch's (`archive/data/0`): Info-ZIP 6.0 reads a UTF-8 name differently in a local header that
      // has an extra field than in the central one, and warns that they do not match (Python reads both alike).
      const ascii = members.filter(([name]) => /^[ -~]+$/.test(name));
      const chunks: Uint8Array[] = [];
      const zip = new ZipStream((c) => void chunks.push(c.slice()), { zip64, alignment: 64, date: null });
      for (const [name, parts] of ascii) {
        await zip.begin(name);
        for (const p of parts) await zip.data(p);
        await zip.end();
      }
      await zip.finish();
      const archive = new Uint8Array(Buffer.concat(chunks));
      const path = join(dir, `aligned-${zip64}.zip`);
      writeFileSync(path, archive);
      const v = new DataView(archive.buffer);
      for (const m of zip.members) {
        expect(m.dataOffset % 64, m.name).toBe(0);
        const nameLength = v.getUint16(m.offset + 26, true);
        const extraLength = v.getUint16(m.offset + 28, true);
        expect(m.offset + 30 + nameLength + extraLength).toBe(m.dataOffset);
        // The padding field comes last: 'FB', its length, zeros up to the data.
        const fb = m.offset + 30 + nameLength + (zip64 === 'always' ? 20 : 0);
        expect([archive[fb], archive[fb + 1], v.getUint16(fb + 2, true)]).toEqual([0x46, 0x42, m.dataOffset - fb - 4]);
        expect([v.getUint16(m.offset + 10, true), v.getUint16(m.offset + 12, true)]).toEqual([0, 0]); // date null: no timestamp, as torch
      }
      const want = expected.filter((e) => ascii.some(([name]) => name === e.name));
      expect(pythonList(path)).toEqual(want);
      unzipTest(path);
      const source = memorySource(path, archive);
      for (const [i, e] of (await readZipDirectory(source)).entries()) expect(sha(await readEntry(source, e))).toBe(want[i]!.sha256);
    });
  }

  it('past 65,535 members the count goes into the ZIP64 end record by itself', async () => {
    const many: [string, Uint8Array[]][] = Array.from({ length: 65_540 }, (_, i) => [`v/${i}`, [bytes(1 + (i % 3), i)]]);
    const zip = await zipInMemory(many, {});
    const path = join(dir, 'many.zip');
    writeFileSync(path, zip);
    const end = endRecords(zip);
    expect(end.count).toBe(0xffff);
    expect(end.zip64?.sig).toBe(0x06064b50);
    expect(end.cdOffset).toBeLessThan(0xffffffff); // only what overflowed is marked
    const listed = pythonList(path);
    expect(listed.length).toBe(65_540);
    expect(listed[65_539]).toEqual({ name: 'v/65539', size: 1 + (65_539 % 3), sha256: sha(bytes(1 + (65_539 % 3), 65_539)) });
    unzipTest(path);
  }, 120_000);

  // One-off: ~4.3 GB streamed to disk (memory stays at one 64 MiB chunk); run with GRAFT_ZIP64_LARGE=1.
  it.runIf(process.env.GRAFT_ZIP64_LARGE === '1')('past 4 GiB: a member larger than 4 GiB and one that starts past it, streamed to a file', async () => {
    const path = join(dir, 'large.zip');
    const fd = openSync(path, 'w');
    const zip = new ZipStream((c) => void writeSync(fd, c));
    const chunk = bytes(64 << 20, 9);
    const big = 4 * 1024 + 128; // MiB: 4 GiB + 128 MiB
    const hash = createHash('sha256');
    await zip.begin('big.data');
    for (let i = 0; i < big / 64; i++) {
      await zip.data(chunk);
      hash.update(chunk);
    }
    await zip.end();
    await zip.begin('after.index');
    await zip.data(bytes(1234, 5));
    await zip.end();
    await zip.finish();
    closeSync(fd);
    expect(zip.members[1]!.offset).toBeGreaterThan(0xffffffff);
    expect(pythonList(path)).toEqual([
      { name: 'big.data', size: big * 2 ** 20, sha256: hash.digest('hex') },
      { name: 'after.index', size: 1234, sha256: sha(bytes(1234, 5)) },
    ]);
    unzipTest(path);
  }, 900_000);
});
