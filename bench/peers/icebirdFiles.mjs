// The icebird peer: icebird 0.3.1 lists the current snapshot's files (metadata JSON via
// version-hint.text, manifest list, every manifest) as one whole process:
// `node bench/peers/icebirdFiles.mjs <table folder> <table location>`.
// icebird reads through fetch only, turning s3:// locations into https://<bucket>.s3.amazonaws.com
// URLs; a fetch shim serves those URLs from the local folder with fs.readFile and a minimal
// response object (no HTTP, no undici Response), so icebird pays nothing a local reader would not.
// Prints {"files", "records"} (live data files, their record count) on stdout.
import fs from 'node:fs/promises';
import path from 'node:path';

const [dir, location] = process.argv.slice(2);
const m = /^s3a?:\/\/([^/]+)(\/.*)$/.exec(location);
if (!m) throw new Error(`icebird peer: expected an s3:// location, got ${location}`);
const prefix = `https://${m[1]}.s3.amazonaws.com${m[2]}`;

globalThis.fetch = async (url) => {
  const u = String(url);
  if (!u.startsWith(prefix)) throw new Error(`icebird peer: unexpected URL ${u}`);
  let buf;
  try {
    buf = await fs.readFile(path.join(dir, decodeURIComponent(u.slice(prefix.length))));
  } catch {
    return { ok: false, status: 404, statusText: 'Not Found' };
  }
  const ab = () => (buf.byteOffset === 0 && buf.byteLength === buf.buffer.byteLength ? buf.buffer : buf.buffer.slice(buf.byteOffset, buf.byteOffset + buf.byteLength));
  return {
    ok: true,
    status: 200,
    statusText: 'OK',
    arrayBuffer: async () => ab(),
    text: async () => buf.toString('utf8'),
    json: async () => JSON.parse(buf.toString('utf8')),
  };
};

const { icebergMetadata, icebergManifests } = await import('icebird');
const metadata = await icebergMetadata({ tableUrl: location });
const manifests = await icebergManifests(metadata);
let files = 0;
let records = 0n;
for (const { entries } of manifests) {
  for (const e of entries) {
    if (e.status === 2 || e.data_file.content) continue;
    files++;
    records += BigInt(e.data_file.record_count);
  }
}
process.stdout.write(JSON.stringify({ files, records: Number(records) }) + '\n');
