import 'server-only';

// The builder of the correlation index (correlation-index.ts), run in one worker thread so that
// neither the byte scan nor SQLite's inserts ever hold the server's event loop. It owns every write
// to the index file; the main thread only reads (WAL: readers see each committed state).
//
// Plain CommonJS run with `eval: true`, like scan-pool.ts: Next.js bundles lib/, a separate worker
// file would not be found next to the server bundle. `better-sqlite3` is required at run time (it
// is a native module, listed in next.config.js `serverExternalPackages`).
//
// Extraction is byte-level: `Buffer.indexOf` finds the anchors of the correlation field names
// (`orrelation` for correlationId, correlation_id, x-correlation-id, X-Correlation-ID, …), the key
// around the anchor is compared case-insensitively with the field names, and the value is read up
// to its closing quote (JSON `"key":"value"` or `"key":123`, logfmt `key=value` / `key="value"`).
// No line is JSON-parsed. Values that cannot be a correlation ID (lib/traces/correlate.ts pattern)
// are skipped. IDs mentioned only in free text are not indexed: the cold scan finds those.
//
// Stored per line: a 48-bit hash of the ID (not the ID: 6 bytes instead of ~36, the index stays
// small), the file and the byte offset of the line's start. A hash collision or a stale offset only
// costs a read: the reader re-checks every line for the ID.
//
// Messages in:  { type: 'sync', files: [{ path, dev, ino, birth, size }] } — the current files;
//               (and a `seq`, echoed back in the answer) ;
//               { type: 'rebuild' } — start over (the reader found the file damaged).
// Messages out: { type: 'state', files: [{ fileId, dev, ino, birth, path, indexedTo }], generation,
//                 stats: { lines, bytes, ms, rows } }, after every commit;
//               { type: 'error', message } when the index cannot be used at all.

export const INDEX_SCHEMA_VERSION = 1;

export const CORRELATION_INDEX_WORKER_SOURCE = String.raw`
'use strict';
const { parentPort, workerData } = require('node:worker_threads');
const fs = require('node:fs');

function loadSqlite() {
  for (const candidate of [workerData.sqliteModule, 'better-sqlite3']) {
    if (!candidate) continue;
    try { return require(candidate); } catch (error) { /* try the next */ }
  }
  return require(require('node:path').join(process.cwd(), 'node_modules', 'better-sqlite3'));
}
const Database = loadSqlite();

const CHUNK = workerData.chunkBytes || 4 * 1024 * 1024;
const ROWS_PER_STATEMENT = 256;
// Rows are staged in small transactions: the pending rows stay a short-lived array (a few hundred
// KB), not hundreds of thousands of numbers that the worker's heap has to grow for.
const ROWS_PER_TRANSACTION = 16384;
const anchors = workerData.anchors.map((a) => Buffer.from(a, 'latin1'));
// Lower-case ASCII bytes of the field names, by length: a key is compared byte by byte, without a
// string per candidate (millions of them in a big build, all garbage for the worker's heap).
const fieldNamesByLength = new Map();
for (const name of workerData.fieldNames) {
  const bytes = Buffer.from(name, 'latin1');
  const list = fieldNamesByLength.get(bytes.length) || [];
  list.push(bytes);
  fieldNamesByLength.set(bytes.length, list);
}
function isFieldName(view, s, e) {
  const candidates = fieldNamesByLength.get(e - s);
  if (!candidates) return false;
  outer: for (const name of candidates) {
    for (let i = 0; i < name.length; i++) {
      let c = view[s + i];
      if (c >= 0x41 && c <= 0x5a) c += 0x20;
      if (c !== name[i]) continue outer;
    }
    return true;
  }
  return false;
}
const signature = workerData.signature;

function isKeyChar(c) {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x5f || c === 0x2e || c === 0x2d || c === 0x40 || c === 0x24;
}
function isIdChar(c) {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a) || c === 0x2e || c === 0x5f || c === 0x2d || c === 0x3a;
}
function isAlnum(c) {
  return (c >= 0x30 && c <= 0x39) || (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
}

// Same function as idHash48 in correlation-index.ts: two 32-bit FNV-1a style hashes, 48 bits kept.
// Returns -1 when bytes [s, e) are not a valid correlation ID.
function hashId(view, s, e) {
  const n = e - s;
  if (n < 1 || n > 128 || !isAlnum(view[s])) return -1;
  let h1 = 0x811c9dc5 | 0;
  let h2 = 0x2f6b1d3a | 0;
  for (let i = s; i < e; i++) {
    const c = view[i];
    if (!isIdChar(c)) return -1;
    h1 = Math.imul(h1 ^ c, 0x01000193);
    h2 = Math.imul(h2 ^ c, 0x5bd1e995);
    h2 ^= h2 >>> 15;
  }
  return (h1 >>> 0) * 65536 + ((h2 >>> 16) & 0xffff);
}

function skipSpaces(view, p, end) {
  while (p < end && (view[p] === 0x20 || view[p] === 0x09)) p++;
  return p;
}

// The hash of the value of a correlation field whose name holds the anchor at k, or -1.
function valueAt(view, k, anchorLength, ls, le) {
  let s = k;
  while (s > ls && isKeyChar(view[s - 1])) s--;
  let e = k + anchorLength;
  while (e < le && isKeyChar(view[e])) e++;
  if (!isFieldName(view, s, e)) return -1;
  let p;
  if (s > ls && view[s - 1] === 0x22 && view[e] === 0x22) {
    // JSON: "key" : "value"   or   "key": 12345
    p = skipSpaces(view, e + 1, le);
    if (view[p] !== 0x3a) return -1;
    p = skipSpaces(view, p + 1, le);
  } else if (view[e] === 0x3d && (s === ls || !isKeyChar(view[s - 1]))) {
    p = e + 1; // logfmt: key=value   or   key="value"
  } else {
    return -1;
  }
  if (p >= le) return -1;
  if (view[p] === 0x22) {
    const vs = p + 1;
    const ve = view.indexOf(0x22, vs);
    if (ve === -1 || ve > le) return -1;
    return hashId(view, vs, ve);
  }
  let ve = p;
  while (ve < le && isIdChar(view[ve])) ve++;
  return hashId(view, p, ve);
}

// Appends [hash, offset] pairs for the lines of view[start, end) (whole lines; end at a line end
// or at the end of a line too long for the buffer). Each (line, ID) once.
function extract(view, start, end, base, out) {
  for (const anchor of anchors) {
    const first = out.length;
    let i = start;
    while (i < end) {
      const a = view.indexOf(anchor, i);
      if (a === -1 || a >= end) break;
      const ls = a > start ? view.lastIndexOf(0x0a, a - 1) + 1 : start;
      const lineStart = ls < start ? start : ls;
      let le = view.indexOf(0x0a, a);
      if (le === -1 || le > end) le = end;
      const mark = out.length;
      for (let k = a; k !== -1 && k < le; k = view.indexOf(anchor, k + anchor.length)) {
        const h = valueAt(view, k, anchor.length, lineStart, le);
        if (h < 0) continue;
        let seen = false;
        for (let j = mark; j < out.length; j += 2) if (out[j] === h) seen = true;
        if (!seen) out.push(h, base + lineStart);
      }
      i = le + 1;
    }
    if (first > 0 && out.length > first && anchors.length > 1) dedupe(out);
  }
}

function dedupe(out) {
  const seen = new Set();
  let w = 0;
  for (let r = 0; r < out.length; r += 2) {
    const key = out[r] + ':' + out[r + 1];
    if (seen.has(key)) continue;
    seen.add(key);
    out[w++] = out[r];
    out[w++] = out[r + 1];
  }
  out.length = w;
}

let db;
let generation = 0;
let stmts;
const stats = { lines: 0, bytes: 0, rows: 0, ms: 0 };

function removeFiles(path) {
  for (const suffix of ['', '-wal', '-shm', '-journal']) {
    try { fs.unlinkSync(path + suffix); } catch (error) { if (error.code !== 'ENOENT') throw error; }
  }
}

function openDb(fresh) {
  if (db) { try { db.close(); } catch (error) { /* already broken */ } db = undefined; }
  if (fresh) removeFiles(workerData.dbPath);
  db = new Database(workerData.dbPath);
  db.pragma('journal_mode = WAL');
  db.pragma('synchronous = OFF'); // a cache: a crash at worst leaves a file that is rebuilt
  // 8 MiB: SQLite's sorter (the merge of the staged rows) holds about as much again, so this bounds
  // the build's memory whatever the size of the logs (the sort spills to temp files); a bigger
  // cache measured no faster (1 GB of logs: 4.6 s at 4 or 8 MiB, 4.8 s at 16 MiB, 20 MB more RSS).
  db.pragma('cache_size = -8192');
  db.pragma('temp_store = FILE');
  db.exec('CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL)');
  const version = db.prepare("SELECT value FROM meta WHERE key = 'signature'").pluck().get();
  if (version !== signature) {
    db.exec('DROP TABLE IF EXISTS occ; DROP TABLE IF EXISTS files');
  }
  db.exec(
    'CREATE TABLE IF NOT EXISTS files (file_id INTEGER PRIMARY KEY, path TEXT NOT NULL, dev INTEGER NOT NULL, ino INTEGER NOT NULL, birth INTEGER NOT NULL, indexed_to INTEGER NOT NULL);' +
    'CREATE TABLE IF NOT EXISTS occ (h INTEGER NOT NULL, file_id INTEGER NOT NULL, off INTEGER NOT NULL, PRIMARY KEY (h, file_id, off)) WITHOUT ROWID;' +
    'CREATE TEMP TABLE IF NOT EXISTS stage (h INTEGER NOT NULL, file_id INTEGER NOT NULL, off INTEGER NOT NULL)',
  );
  db.prepare("INSERT OR REPLACE INTO meta (key, value) VALUES ('signature', ?)").run(signature);
  // Fails on a damaged file (not a database, malformed pages): the caller starts over.
  db.prepare('SELECT count(*) FROM files').get();
  db.prepare('SELECT h FROM occ LIMIT 1').get();
  const values = Array.from({ length: ROWS_PER_STATEMENT }, () => '(?,?,?)').join(',');
  stmts = {
    files: db.prepare('SELECT file_id AS fileId, path, dev, ino, birth, indexed_to AS indexedTo FROM files'),
    addFile: db.prepare('INSERT INTO files (path, dev, ino, birth, indexed_to) VALUES (?, ?, ?, ?, 0)'),
    dropFile: db.prepare('DELETE FROM files WHERE file_id = ?'),
    dropRows: db.prepare('DELETE FROM occ WHERE file_id = ?'),
    rename: db.prepare('UPDATE files SET path = ? WHERE file_id = ?'),
    progress: db.prepare('UPDATE files SET indexed_to = ? WHERE file_id = ?'),
    stageMany: db.prepare('INSERT INTO stage (h, file_id, off) VALUES ' + values),
    stageOne: db.prepare('INSERT INTO stage (h, file_id, off) VALUES (?, ?, ?)'),
    merge: db.prepare('INSERT OR IGNORE INTO occ (h, file_id, off) SELECT h, file_id, off FROM stage ORDER BY h, file_id, off'),
    clearStage: db.prepare('DELETE FROM stage'),
  };
  generation++;
}

function openOrRebuild() {
  try {
    openDb(false);
  } catch (error) {
    openDb(true); // corrupt, not a database, or from another version: start over
  }
}

function stageRows(rows, fileId) {
  let r = 0;
  const params = new Array(ROWS_PER_STATEMENT * 3);
  for (; r + ROWS_PER_STATEMENT * 2 <= rows.length; r += ROWS_PER_STATEMENT * 2) {
    for (let j = 0; j < ROWS_PER_STATEMENT; j++) {
      params[j * 3] = rows[r + j * 2];
      params[j * 3 + 1] = fileId;
      params[j * 3 + 2] = rows[r + j * 2 + 1];
    }
    stmts.stageMany.run(params);
  }
  for (; r < rows.length; r += 2) stmts.stageOne.run(rows[r], fileId, rows[r + 1]);
  stats.rows += rows.length / 2;
}

// Stages the IDs of the complete lines of [from, size) and returns the offset after the last one.
function indexRange(path, fileId, from, size) {
  const fd = fs.openSync(path, 'r');
  const buf = Buffer.allocUnsafe(CHUNK * 2);
  const rows = [];
  let done = from;
  try {
    let pos = from; // file offset of the next byte to read
    let carry = 0; // bytes of an unfinished line at the front of buf
    let skipping = false; // inside a line longer than the buffer, already indexed as far as it fit
    while (pos < size) {
      const want = Math.min(buf.length - carry, size - pos);
      const n = fs.readSync(fd, buf, carry, want, pos);
      if (n <= 0) break;
      const base = pos - carry;
      const dataLen = carry + n;
      pos += n;
      let start = 0;
      if (skipping) {
        const nl = buf.indexOf(0x0a, 0);
        if (nl === -1 || nl >= dataLen) { carry = 0; continue; }
        skipping = false;
        start = nl + 1;
        done = base + start;
      }
      const view = buf.subarray(0, dataLen);
      const lastNl = view.lastIndexOf(0x0a);
      if (lastNl < start) {
        if (dataLen < buf.length) { carry = dataLen; continue; }
        // One line fills the buffer: index what fits, skip the rest of it.
        extract(view, start, dataLen, base, rows);
        skipping = true;
        carry = 0;
      } else {
        extract(view, start, lastNl + 1, base, rows);
        for (let i = view.indexOf(0x0a, start); i !== -1 && i <= lastNl; i = view.indexOf(0x0a, i + 1)) stats.lines++;
        done = base + lastNl + 1;
        carry = dataLen - (lastNl + 1);
        if (carry > 0) buf.copy(buf, 0, lastNl + 1, dataLen);
      }
      if (rows.length >= ROWS_PER_TRANSACTION * 2) {
        db.transaction(() => stageRows(rows, fileId))();
        rows.length = 0;
      }
    }
    if (rows.length > 0) db.transaction(() => stageRows(rows, fileId))();
  } finally {
    fs.closeSync(fd);
  }
  stats.bytes += done - from;
  return done;
}

function sameFile(row, f) {
  return row.dev === f.dev && row.ino === f.ino && row.birth === f.birth;
}

function publish(seq) {
  parentPort.postMessage({ type: 'state', seq, generation, files: stmts.files.all(), stats });
}

function sync(files, seq) {
  const started = Date.now();
  const rows = stmts.files.all();
  const current = new Map(files.map((f) => [f.dev + ':' + f.ino + ':' + f.birth, f]));
  const progress = new Map(); // file_id -> new indexed_to
  const resets = [];
  const known = new Map();
  let changed = false;
  db.transaction(() => {
    for (const row of rows) {
      const f = current.get(row.dev + ':' + row.ino + ':' + row.birth);
      if (!f) { stmts.dropRows.run(row.fileId); stmts.dropFile.run(row.fileId); changed = true; continue; }
      if (f.path !== row.path) { stmts.rename.run(f.path, row.fileId); changed = true; } // app.log -> app.log.1: offsets still hold
      if (f.size < row.indexedTo) { resets.push(row.fileId); row.indexedTo = 0; changed = true; } // truncated in place
      known.set(f, row);
    }
    for (const fileId of resets) { stmts.dropRows.run(fileId); stmts.progress.run(0, fileId); }
    for (const f of files) {
      if (known.has(f)) continue;
      const info = stmts.addFile.run(f.path, f.dev, f.ino, f.birth);
      changed = true;
      known.set(f, { fileId: Number(info.lastInsertRowid), indexedTo: 0 });
    }
  })();
  stmts.clearStage.run();
  for (const f of files) {
    const row = known.get(f);
    if (f.size <= row.indexedTo) continue;
    let size = f.size;
    try {
      const st = fs.statSync(f.path, { bigint: false });
      if (st.ino !== f.ino) continue; // replaced meanwhile: the next sync sees it
      size = st.size;
      const done = indexRange(f.path, row.fileId, row.indexedTo, size);
      if (done !== row.indexedTo) progress.set(row.fileId, done);
    } catch (error) {
      // Unreadable or gone: the cold scan reports it; the next sync tries again.
    }
  }
  if (progress.size > 0) {
    db.transaction(() => {
      stmts.merge.run();
      for (const [fileId, to] of progress) stmts.progress.run(to, fileId);
    })();
    stmts.clearStage.run();
    changed = true;
  }
  stats.ms += Date.now() - started;
  if (changed || !published) { published = true; publish(seq); }
  else parentPort.postMessage({ type: 'idle', seq });
}

let published = false;
let latest;
let running = false;
let rebuild = false;

function work() {
  running = true;
  try {
    while (latest || rebuild) {
      if (rebuild) { rebuild = false; openDb(true); published = false; }
      const message = latest;
      latest = undefined;
      if (!message) { publish(-1); continue; }
      try {
        sync(message.files, message.seq);
      } catch (error) {
        // A damaged file (SQLITE_CORRUPT, SQLITE_NOTADB) is rebuilt; anything else is reported.
        if (/CORRUPT|NOTADB|malformed|not a database/i.test(String(error && (error.code || error.message)))) {
          openDb(true);
          published = false;
          latest = latest || message;
        } else {
          parentPort.postMessage({ type: 'error', message: String(error && error.message) });
        }
      }
    }
  } finally {
    running = false;
  }
}

try {
  openOrRebuild();
} catch (error) {
  parentPort.postMessage({ type: 'error', message: 'cannot open ' + workerData.dbPath + ': ' + String(error && error.message), fatal: true });
}

parentPort.on('message', (message) => {
  if (!db) return;
  if (message.type === 'sync') latest = message;
  else if (message.type === 'rebuild') rebuild = true;
  if (!running) setImmediate(work);
});
`;
