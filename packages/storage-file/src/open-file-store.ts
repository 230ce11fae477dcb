import { constants as fsConstants, existsSync, statSync, unlinkSync } from 'node:fs';
import { link, mkdir, open, rename, stat, unlink, type FileHandle } from 'node:fs/promises';
import { randomBytes } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { dirname, join, resolve } from 'node:path';
import { assertStorableRecord, LearningError, rejectUnknownKeys, validateQuery, type MetricQuery, type MetricRecord, type MetricStore } from '@autodev/learning';
import { batchBytes, FORMAT_NAME, FORMAT_VERSION, headerLine } from './internal/format.js';
import { RecordIndex } from './internal/record-index.js';
import { Scanner, type FileStoreWarning } from './internal/scanner.js';

export type { FileStoreWarning } from './internal/scanner.js';

/** Options of {@link openFileStore}. */
export interface FileStoreOptions {
  /** The metrics file (JSON Lines). Created, with its parent folders, when missing. The CLI uses `.autodev/metrics.jsonl`. */
  path: string;
  /**
   * Also `fdatasync` the file before `append` resolves, so acknowledged records survive a power
   * loss or kernel crash, not only a process crash. Costs one disk flush per append.
   * @default false
   */
  fsync?: boolean;
  /**
   * What to do with a damaged line in the middle of the file: `'error'` rejects `openFileStore`
   * (and later queries) with `STORE_CORRUPT` naming the file and line; `'skip'` reads past it and
   * reports it through `onWarning`. Torn lines left by crashes are never errors.
   * @default 'error'
   */
  onCorrupt?: 'error' | 'skip';
  /**
   * Receives what the store recovered from (torn lines, incomplete batches, skipped lines).
   * @default process.emitWarning, so it shows on stderr and as a process 'warning' event
   */
  onWarning?: (warning: FileStoreWarning) => void;
  /**
   * Never create, write or lock anything: `append` and `compact` reject with `STORE_IO`. For reading
   * a file you must not change (a CI artifact, a file owned by someone else).
   * @default false
   */
  readOnly?: boolean;
  /**
   * Read and index the whole file on open, as versions before 0.1 did: damaged lines reject
   * `openFileStore` itself and torn-tail warnings are reported before it resolves. By default the
   * file is read on the first `query`, `names` or `compact` instead, so a process that only appends
   * (the CLI's `autodev record`) reads the header and the last byte, not the whole file.
   * @default false
   */
  eager?: boolean;
}

/** What {@link FileMetricStore.compact} did. */
export interface CompactResult {
  /** Records in the rewritten file (every record the store could read). */
  records: number;
  bytesBefore: number;
  bytesAfter: number;
}

/** A `MetricStore` kept in one JSON Lines file. */
export interface FileMetricStore extends MetricStore {
  /** Absolute path of the file. */
  readonly path: string;
  /** Everything the store recovered from so far (most recent last, at most 100). */
  readonly warnings: readonly FileStoreWarning[];
  /**
   * Rewrites the file with every readable record and nothing else (no torn lines, skipped lines or
   * incomplete batches), through a temporary file, `fsync` and `rename`: a crash at any moment
   * leaves either the old file or the new one. Safe while other processes append: it holds the lock file
   * `<path>.compacting`, which appends in every process wait for (see "Compaction" in the README).
   * @throws {LearningError} STORE_IO when the folder is not writable or the store is read-only.
   * @throws {LearningError} STORE_CLOSED after `close()`.
   */
  compact(): Promise<CompactResult>;
}

const MAX_WARNINGS = 100;
/** How far into the file the header line is looked for without reading the whole file. */
const HEAD_BYTES = 4096;

function io(path: string, what: string, cause: unknown): LearningError {
  const code = (cause as NodeJS.ErrnoException | undefined)?.code;
  let hint = '';
  if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') hint = '; check the permissions of the file and its folder, or choose another path';
  else if (code === 'EISDIR') hint = `; the path is a folder: pass a file inside it, such as ${join(path, 'metrics.jsonl')}`;
  else if (code === 'ENOSPC') hint = '; the disk is full';
  else if (code === 'ENOTDIR') hint = '; a parent of the path is a file, not a folder';
  return new LearningError('STORE_IO', `${path}: ${what}${code ? ` (${code})` : ''}${hint}`, { cause });
}

/**
 * Compaction lock: while `<file>.compacting` exists, a compaction is replacing the file, and appenders (in any
 * process) wait instead of writing into the file that is about to be unlinked. It holds the owner's pid, so a
 * lock left by a killed compactor is recognised and removed.
 */
const lockPathOf = (path: string): string => `${path}.compacting`;
/** How long a compaction waits after taking the lock for appends that checked for it just before. */
const COMPACTION_GRACE_MS = 50;
const LOCK_POLL_MS = 5;
/** How often a waiting appender checks whether the lock's owner is still alive. */
const STALE_CHECK_MS = 500;
/**
 * The seal: the line a compaction appends to the file it is about to replace, once it has copied everything.
 * Every line before the seal is in the new file; a line after it (an append that checked for the lock before the
 * lock existed and whose write was held back until then) is not, and its writer appends it again to the new file.
 * Readers take it for a second header line, which they skip; it only stays in a live file when the compaction
 * failed after sealing.
 */
const SEAL_START = `{"format":"${FORMAT_NAME}","version":${FORMAT_VERSION},"sealed":"`;
const sealLine = (nonce: string): string => `\n${SEAL_START}${nonce}"}\n`;
const SEAL_START_BYTES = Buffer.from(SEAL_START, 'utf8');

/**
 * Removes the lock when it names a process that no longer exists (a compactor killed mid-way); true when it did.
 * Only that very lock file is removed. Several waiters find the same stale lock, and one that had read the dead pid
 * used to remove, by name, the lock a new compaction had taken meanwhile (after another waiter removed the stale
 * one): appends then wrote into the file that compaction was replacing, after its seal, found no lock when they
 * checked after their write, and were lost; and another compaction could run beside it. So the pid is read through
 * a descriptor, which also keeps the inode from being reused while it is open, and the path must still name that
 * inode right before the unlink, checked synchronously: only another process acting between those two system
 * calls could still interfere.
 */
async function removeStaleLock(lock: string): Promise<boolean> {
  let fh: FileHandle;
  try {
    fh = await open(lock, 'r');
  } catch {
    return false; // gone already, or unreadable: let the caller look again
  }
  try {
    const { ino } = await fh.stat();
    const pid = Number((await fh.readFile('utf8')).trim());
    // An empty or half-written lock (its owner is between creating and writing it) is not stale.
    if (!(Number.isInteger(pid) && pid > 0)) return false;
    try {
      process.kill(pid, 0);
      return false;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ESRCH') return false;
    }
    if (statSync(lock).ino !== ino) return false; // replaced by a live compaction's lock meanwhile
    unlinkSync(lock);
    return true;
  } catch {
    return false; // removed meanwhile, or unreadable: let the caller look again
  } finally {
    await fh.close().catch(() => undefined);
  }
}

/** Waits while a compaction holds the lock; removes a stale lock. */
async function waitWhileCompacting(lock: string): Promise<void> {
  // existsSync: one cheap syscall that does not throw on the usual path (no lock).
  for (let waited = 0; existsSync(lock); waited += LOCK_POLL_MS) {
    if (waited % STALE_CHECK_MS === 0 && (await removeStaleLock(lock))) return;
    await sleep(LOCK_POLL_MS);
  }
}

/** Takes the compaction lock, waiting for another compaction to finish (or removing its stale lock). */
async function acquireCompactionLock(lock: string): Promise<void> {
  while (!(await createLock(lock))) await waitWhileCompacting(lock);
}

/**
 * Creates the lock holding this process's pid, or returns false when it exists. Whole or not at all
 * ({@link createWhole}): created empty and written after, a lock was left empty by a compactor killed in between;
 * an empty lock is never taken for stale (its owner may be about to write it), so every append in every process
 * waited forever.
 */
const createLock = (lock: string): Promise<boolean> => createWhole(lock, String(process.pid));

/**
 * Creates `path` holding `content`, or returns false when `path` exists. No process ever sees it empty or
 * half-written: the content is written under a temporary name, which is then hard-linked into place (the link
 * fails if `path` exists). File systems without hard links get an exclusive create, then the content.
 */
async function createWhole(path: string, content: string, durable = false): Promise<boolean> {
  const tmp = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  try {
    await writeNew(tmp, content, durable);
    try {
      await link(tmp, path);
      return true;
    } catch (e) {
      if (isCode(e, 'EEXIST')) return false;
      if (!isCode(e, 'EPERM') && !isCode(e, 'ENOTSUP') && !isCode(e, 'EOPNOTSUPP')) throw e;
    }
  } finally {
    await unlink(tmp).catch(() => undefined);
  }
  try {
    await writeNew(path, content, false);
    return true;
  } catch (e) {
    if (isCode(e, 'EEXIST')) return false;
    throw e;
  }
}

/** Creates `file` (failing if it exists) holding `content`; with `durable`, synced before it is closed. */
async function writeNew(file: string, content: string, durable: boolean): Promise<void> {
  const fh = await open(file, 'wx');
  try {
    await fh.write(content);
    if (durable) await fh.datasync();
  } finally {
    await fh.close();
  }
}

const isCode = (e: unknown, code: string) => (e as NodeJS.ErrnoException | undefined)?.code === code;

/** The options openFileStore knows; anything else is refused (a misspelling must not be ignored). */
const OPTIONS = ['path', 'fsync', 'onCorrupt', 'onWarning', 'readOnly', 'eager'] as const satisfies readonly (keyof FileStoreOptions)[];

/**
 * Opens (creating if needed) a file-backed `MetricStore`: one JSON Lines file, append-only, safe
 * for several processes appending at once and for processes killed mid-write. Opening reads only
 * the header line and the last byte; the whole file is read into a compact index on the first
 * query (or on open with `eager: true`), and after that only what was appended since.
 *
 * @throws {LearningError} INVALID_ARGUMENT when an option is wrong.
 * @throws {LearningError} STORE_IO when the path is a folder, cannot be created or read.
 * @throws {LearningError} STORE_CORRUPT when the file is not a metrics file (its first line is not
 * the header), or, with `eager: true`, when a line in the middle is damaged (unless
 * `onCorrupt: 'skip'`; without `eager` the first query rejects instead); the message names the file and line.
 * @throws {LearningError} STORE_VERSION when a newer version of this package wrote the file.
 * @example
 * import { MetricsTracker } from '@autodev/learning';
 * import { openFileStore } from '@autodev/storage-file';
 *
 * const store = await openFileStore({ path: '.autodev/metrics.jsonl' });
 * const tracker = new MetricsTracker({ storage: store });
 * await tracker.recordMetric('test_duration', 12.5, { suite: 'integration' });
 * await store.close();
 */
export async function openFileStore(options: FileStoreOptions): Promise<FileMetricStore> {
  if (typeof options !== 'object' || options === null) throw new LearningError('INVALID_ARGUMENT', 'openFileStore needs an options object such as { path: ".autodev/metrics.jsonl" }');
  // A misspelt option was ignored: { readonly: true } (better-sqlite3's spelling) created and appended to the file.
  rejectUnknownKeys('openFileStore', options, OPTIONS, { allowUndefined: true });
  for (const key of ['fsync', 'readOnly', 'eager'] as const)
    if (options[key] !== undefined && typeof options[key] !== 'boolean') throw new LearningError('INVALID_ARGUMENT', `options.${key} must be true or false, got ${JSON.stringify(options[key])}`);
  if (typeof options.path !== 'string' || options.path.trim() === '')
    throw new LearningError('INVALID_ARGUMENT', 'options.path must be the path of the metrics file, such as ".autodev/metrics.jsonl"');
  if (options.onCorrupt !== undefined && options.onCorrupt !== 'error' && options.onCorrupt !== 'skip')
    throw new LearningError('INVALID_ARGUMENT', `options.onCorrupt must be "error" or "skip", got ${JSON.stringify(options.onCorrupt)}`);
  if (options.onWarning !== undefined && typeof options.onWarning !== 'function') throw new LearningError('INVALID_ARGUMENT', 'options.onWarning must be a function');
  const store = new FileStore(resolve(options.path), options);
  await store.init();
  return store;
}

class FileStore implements FileMetricStore {
  readonly warnings: FileStoreWarning[] = [];
  private index = new RecordIndex();
  private scanner: Scanner;
  private rfh: FileHandle | undefined;
  private wfh: FileHandle | undefined;
  private ino = 0;
  /** Inode `wfh` writes to. */
  private wino = 0;
  private closed = false;
  private closing: Promise<void> | undefined;
  /** Operations run one at a time, in call order, so the file's order is the call order. */
  private queue: Promise<unknown> = Promise.resolve();
  private readonly fsync: boolean;
  private readonly readOnly: boolean;
  private readonly skipCorrupt: boolean;
  private readonly onWarning: (w: FileStoreWarning) => void;
  private readonly eager: boolean;
  /**
   * The scanner has read the file to its end at least once. Until then it has read the header line
   * only, and what the writer knows of the file's end comes from reading its last byte.
   */
  private indexed = false;
  /**
   * A lower bound of the file's size: what the last look at it found, plus what this store appended since.
   * The file only grows, so a smaller size before an append means someone truncated it (`: > metrics.jsonl`
   * to start over) under this open store, which must then look at it again: it may have lost its header.
   */
  private minSize = 0;

  constructor(
    readonly path: string,
    options: FileStoreOptions,
  ) {
    this.fsync = options.fsync === true;
    this.readOnly = options.readOnly === true;
    this.skipCorrupt = options.onCorrupt === 'skip';
    this.eager = options.eager === true;
    this.onWarning = options.onWarning ?? ((w) => process.emitWarning(w.message, { type: 'AutodevStoreWarning', code: `AUTODEV_${w.code}` }));
    this.scanner = this.newScanner();
  }

  private newScanner(): Scanner {
    return new Scanner(this.index, this.path, this.skipCorrupt, (w) => this.report(w));
  }

  private report(w: FileStoreWarning): void {
    this.warnings.push(w);
    if (this.warnings.length > MAX_WARNINGS) this.warnings.shift();
    this.onWarning(w);
  }

  async init(): Promise<void> {
    let st;
    try {
      st = await stat(this.path);
    } catch (e) {
      if (!isCode(e, 'ENOENT')) throw io(this.path, 'cannot read the metrics file', e);
      if (this.readOnly) throw io(this.path, 'the metrics file does not exist (opened with readOnly: true, so it is not created)', e);
      await this.create();
      st = await stat(this.path).catch((err: unknown) => Promise.reject(io(this.path, 'cannot read the metrics file', err)));
    }
    if (st.isDirectory()) throw io(this.path, 'cannot be opened as a metrics file', Object.assign(new Error('EISDIR'), { code: 'EISDIR' }));
    if (!st.isFile()) throw new LearningError('STORE_IO', `${this.path}: is not a regular file; pass the path of a metrics file such as .autodev/metrics.jsonl`);
    try {
      await this.openReader();
    } catch (e) {
      await this.rfh?.close().catch(() => undefined);
      this.rfh = undefined;
      throw e instanceof LearningError ? e : io(this.path, 'cannot read the metrics file', e);
    }
  }

  /**
   * Opens the read descriptor on the file the path names now, with a fresh index, and reads either
   * all of it (eager) or just enough to append safely: the header line, validated exactly as a full
   * read validates it (STORE_CORRUPT / STORE_VERSION), and the last byte, which tells whether the
   * next append must start with a line end (a torn tail).
   */
  private async openReader(): Promise<void> {
    this.index = new RecordIndex();
    this.scanner = this.newScanner();
    this.indexed = false;
    this.rfh = await open(this.path, 'r');
    const st = await this.rfh.stat();
    this.ino = st.ino;
    this.minSize = st.size;
    const headerEnd = this.eager ? -1 : await this.findHeaderEnd(st.size);
    if (headerEnd < 0) {
      // Asked for, or the file is too small or too odd (empty, no complete first line, a huge
      // first line) for the shortcut: a full read is then either cheap or the safe choice.
      await this.scanner.scan(this.rfh, st.size);
      this.indexed = true;
      this.scanner.reportTail();
      return;
    }
    await this.scanner.scan(this.rfh, headerEnd);
    await this.readLastByte(st.size);
  }

  /**
   * Byte offset just after the first non-blank line when it ends within the first {@link HEAD_BYTES},
   * else -1. Blank lines before it are allowed, as in a full read.
   */
  private async findHeaderEnd(size: number): Promise<number> {
    const n = Math.min(size, HEAD_BYTES);
    if (n === 0) return -1;
    const buf = Buffer.allocUnsafe(n);
    const { bytesRead } = await this.rfh!.read(buf, 0, n, 0);
    let a = bytesRead >= 3 && buf[0] === 0xef && buf[1] === 0xbb && buf[2] === 0xbf ? 3 : 0;
    for (;;) {
      const nl = buf.indexOf(10, a);
      if (nl < 0 || nl >= bytesRead) return -1;
      if (buf.toString('utf8', a, nl).trim() !== '') return nl + 1;
      a = nl + 1;
    }
  }

  /** Learns whether the file (of `size` bytes) ends with a line end, reading only its last byte. */
  private async readLastByte(size: number): Promise<void> {
    let last = 10;
    if (size > 0) {
      const b = Buffer.alloc(1);
      const { bytesRead } = await this.rfh!.read(b, 0, 1, size - 1);
      if (bytesRead === 1) last = b[0]!;
    }
    this.scanner.endsWithNewline = last === 10;
  }

  /**
   * Updates what the writer knows of the file's end before an append that depends on it. Once the
   * index is built this is a normal refresh; before, it stays lazy: reopen if the file was
   * replaced, else read the last byte again (another process may have completed a torn line).
   */
  private async syncEnd(): Promise<void> {
    if (this.indexed) return this.refresh();
    let st;
    try {
      st = await stat(this.path);
    } catch (e) {
      throw io(this.path, 'the metrics file disappeared or cannot be read (was it deleted or moved?)', e);
    }
    try {
      if (st.ino !== this.ino) {
        await this.rfh?.close().catch(() => undefined);
        this.rfh = undefined;
        await this.openReader();
      } else await this.readLastByte(st.size);
    } catch (e) {
      throw e instanceof LearningError ? e : io(this.path, 'cannot read the metrics file', e);
    }
  }

  /**
   * Creates the file with its header atomically: written under a temporary name, then hard-linked
   * into place, which fails if another process created the file first (then theirs is used). No
   * process ever sees the file without its header.
   */
  private async create(): Promise<void> {
    const dir = dirname(this.path);
    try {
      await mkdir(dir, { recursive: true });
    } catch (e) {
      throw io(dir, 'cannot create the folder for the metrics file', e);
    }
    try {
      // When another process created the file first, theirs is used.
      if ((await createWhole(this.path, headerLine(), this.fsync)) && this.fsync) await syncDir(dir);
    } catch (e) {
      throw io(this.path, 'cannot create the metrics file', e);
    }
  }

  private run<T>(op: () => Promise<T>): Promise<T> {
    const p = this.queue.then(op);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private closedError(): LearningError {
    return new LearningError('STORE_CLOSED', `${this.path}: the store is closed; open it again with openFileStore()`);
  }

  /** Reads what was appended since the last look; reloads if the file was replaced (compacted elsewhere). */
  private async refresh(): Promise<void> {
    let st;
    try {
      st = await stat(this.path);
    } catch (e) {
      throw io(this.path, 'the metrics file disappeared or cannot be read (was it deleted or moved?)', e);
    }
    const s = this.scanner;
    if (st.ino !== this.ino || st.size < s.offset) {
      this.report({ code: 'FILE_REPLACED', line: 0, path: this.path, message: `${this.path}: the file was replaced or shrank (compacted by another process?); reloading it` });
      await this.reload();
      return;
    }
    if (st.size === s.scannedSize && this.indexed) return;
    try {
      await s.scan(this.rfh!, st.size);
    } catch (e) {
      throw e instanceof LearningError ? e : io(this.path, 'cannot read the metrics file', e);
    }
    if (!this.indexed) {
      // The first full read of a lazily opened store: report what a crash left at the end, as an eager open does.
      this.indexed = true;
      s.reportTail();
    }
  }

  private async reload(): Promise<void> {
    await this.rfh?.close().catch(() => undefined);
    await this.wfh?.close().catch(() => undefined);
    this.rfh = this.wfh = undefined;
    this.index = new RecordIndex();
    this.scanner = this.newScanner();
    this.indexed = false;
    try {
      this.rfh = await open(this.path, 'r');
      const st = await this.rfh.stat();
      this.ino = st.ino;
      this.minSize = st.size;
      await this.scanner.scan(this.rfh, st.size);
      this.indexed = true;
    } catch (e) {
      throw e instanceof LearningError ? e : io(this.path, 'cannot read the metrics file', e);
    }
  }

  append(records: readonly MetricRecord[]): Promise<void> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.readOnly) return Promise.reject(new LearningError('STORE_IO', `${this.path}: the store was opened with readOnly: true; open it without readOnly to append`));
    if (!Array.isArray(records)) return Promise.reject(new LearningError('INVALID_ARGUMENT', 'append needs an array of records'));
    if (records.length === 0) return Promise.resolve();
    let bytes: Buffer;
    try {
      // Records come validated from learning; a direct caller's NaN would still become `null` in JSON
      // and damage the file for every later reader, so the few checks that protect the format stay here.
      for (const r of records) assertStorableRecord(r as unknown);
      // Serialize now: the caller may reuse the array once append has been called.
      bytes = batchBytes(records);
    } catch (e) {
      if (e instanceof LearningError) return Promise.reject(e);
      // JSON.stringify throws a TypeError on a BigInt or a cycle in metadata: a bad record, nothing written.
      return Promise.reject(new LearningError('INVALID_RECORD', `a record cannot be written as JSON (${e instanceof Error ? e.message : String(e)}); pass records validated by @autodev/learning (validateRecord)`, { cause: e }));
    }
    return this.run(() => this.write(bytes));
  }

  private async write(bytes: Buffer): Promise<void> {
    // Until the bytes are in the file the path names and no compaction sealed that file before they got there.
    while (await this.writeOnce(bytes)) {
      await this.wfh?.close().catch(() => undefined);
      this.wfh = undefined;
    }
  }

  /**
   * One attempt of an append: checks, writes, and checks again. Returns true when a compaction replaced the file
   * around the write and the bytes landed in the old file after its seal: they are not in the new file.
   */
  private async writeOnce(bytes: Buffer): Promise<boolean> {
    const lock = lockPathOf(this.path);
    /** Size of the file the write goes to, from the last look before it. */
    let size: number;
    /** The file's end was looked at again for this write (torn tail, missing header): once is enough. */
    let synced = false;
    for (;;) {
      await waitWhileCompacting(lock);
      /** The reader was just reopened on a replaced file, so what this store knows of it is current. */
      let fresh = false;
      if (this.wfh === undefined) fresh = await this.openWriter();
      // The last look, synchronous so that nothing runs between it and the write below: is a compaction
      // starting, and is the path still the file this descriptor appends to? Another process may have compacted
      // (replaced) it: appending through the old descriptor would put records in the unlinked old file, lost.
      // Both checks used to be split by awaits (a thread-pool stat), and under CPU load an append that had
      // seen no lock could sit there past the compaction's grace period and land in the replaced file.
      let st: { ino: number; size: number };
      try {
        st = statSync(this.path);
      } catch (e) {
        throw io(this.path, 'the metrics file disappeared or cannot be read (was it deleted or moved?)', e);
      }
      if (st.ino !== this.wino) {
        await this.wfh!.close().catch(() => undefined);
        this.wfh = undefined;
        continue;
      }
      // Truncated under this store (same inode, smaller): what it knows of the header and the last byte is stale.
      // Without a fresh look it would append records to an emptied file without its header line, and every
      // later open would reject the file as "not an autodev metrics file".
      if (!fresh && this.wino === this.ino && st.size < this.minSize) {
        await this.rereadAfterTruncation(st.size);
        continue;
      }
      // Rare cases need a fresh look at the file's end: it was empty (no header yet) or ended in a torn line.
      if (!synced && (!this.scanner.sawHeader || !this.scanner.endsWithNewline)) {
        await this.syncEnd();
        synced = true;
        continue;
      }
      if (existsSync(lock)) continue;
      size = st.size;
      break;
    }
    const wfh = this.wfh!;
    // A torn line from a crashed writer gets its own line end; a file created empty (touch) gets its header.
    const prefix = (this.scanner.endsWithNewline ? '' : '\n') + (this.scanner.sawHeader ? '' : headerLine());
    const buf = prefix === '' ? bytes : Buffer.concat([Buffer.from(prefix, 'utf8'), bytes]);
    let written: number;
    try {
      ({ bytesWritten: written } = await wfh.write(buf, 0, buf.length, null));
      if (this.fsync) await wfh.datasync();
    } catch (e) {
      this.scanner.endsWithNewline = false; // a failed write may have left part of a line
      throw io(this.path, 'cannot append to the metrics file', e);
    }
    // O_APPEND wrote at the end, which was at least `size`: the file is now at least this long.
    this.minSize = Math.max(this.minSize, size + written);
    if (written !== buf.length) {
      // Never write the rest separately: another process could append in between, mixing lines.
      // The part written is a torn line or an incomplete batch, which readers ignore: all or nothing.
      this.scanner.endsWithNewline = false;
      throw io(this.path, `only ${written} of ${buf.length} bytes could be written (disk full?); nothing was stored`, undefined);
    }
    this.scanner.endsWithNewline = true;
    // The write may have been held back (thread pool, a descheduled process) past the last check and past a whole
    // compaction by another process. Nothing to worry about when no compaction is running and the path still names
    // the file written to: two synchronous system calls.
    if (!existsSync(lock) && this.pathNames(this.wino)) return false;
    return this.landedAfterSeal(lock, size, bytes);
  }

  /** The path names the file with inode `ino` now (false when it is missing or unreadable). */
  private pathNames(ino: number): boolean {
    try {
      return statSync(this.path).ino === ino;
    } catch {
      return false;
    }
  }

  /**
   * After a write that a compaction may have overtaken: waits for the compaction, then tells whether `bytes`,
   * written to the file of inode `wino` at an offset of at least `from`, landed after that file's seal (so they
   * are not in the file that replaced it). Bytes of the same content before the seal cannot be told apart from
   * ours, so a match after the seal is what decides: at worst a record appended on its own, byte-identical to one
   * another process appended in the same moment, is stored twice (a batch carries a random id); ours is never lost.
   */
  private async landedAfterSeal(lock: string, from: number, bytes: Buffer): Promise<boolean> {
    await waitWhileCompacting(lock);
    if (this.pathNames(this.wino)) return false; // not replaced (the compaction failed): the bytes are in the live file
    let tail: Buffer;
    // Through the read descriptor when it is on the same file: it is always readable, while the append descriptor
    // is write-only when the file lost its read permission after the store opened it, and appending again because
    // the read failed stored twice every record the compaction had copied.
    const fh = this.rfh !== undefined && this.ino === this.wino ? this.rfh : this.wfh!;
    try {
      // From one byte before: a seal must start a line.
      const start = Math.max(0, from - 1);
      const size = (await fh.stat()).size;
      tail = Buffer.allocUnsafe(Math.max(0, size - start));
      const { bytesRead } = await fh.read(tail, 0, tail.length, start);
      tail = tail.subarray(0, bytesRead);
      if (start === 0) tail = Buffer.concat([Buffer.from('\n'), tail]);
    } catch (e) {
      // The old file cannot be read (a write-only file): append again rather than risk losing the records.
      this.report({ code: 'FILE_REPLACED', line: 0, path: this.path, message: `${this.path}: the file was compacted during an append and the old file cannot be read back (${(e as Error).message}); the append is written again` });
      return true;
    }
    let seal = -1;
    for (let i = tail.lastIndexOf(SEAL_START_BYTES); i > 0; i = tail.lastIndexOf(SEAL_START_BYTES, i - 1))
      if (tail[i - 1] === 10) {
        seal = i;
        break;
      }
    // No seal at or after `from`: it was written before, so everything from `from` on is after it.
    if (seal < 0) return true;
    const afterSeal = tail.indexOf(10, seal) + 1;
    if (afterSeal === 0) return true; // a torn seal: that compaction did not copy past it
    // Anywhere after the seal, not only at a line start: a write cut short by a crash (which has no line end) may be
    // just before ours on the same line, and requiring a line start lost our records then. Only such a torn or
    // damaged line can end with our bytes without being them (a line end inside a record is escaped), so the worst
    // this does is store a record twice.
    return tail.indexOf(bytes, afterSeal) >= 0;
  }

  /**
   * Opens the append descriptor on the file the path names now. When that is not the file the reader has open
   * (replaced by a compaction elsewhere), the reader is brought up to date first; returns true then.
   */
  private async openWriter(): Promise<boolean> {
    let fh: FileHandle | undefined;
    let fresh = false;
    try {
      // No O_CREAT: the file exists since open; if it was deleted since, fail rather than write a headerless file.
      // Read and write: after a compaction by another process, the append reads the replaced file back
      // (landedAfterSeal), through this descriptor when the reader is on another file. A file without read
      // permission still takes appends.
      try {
        fh = await open(this.path, fsConstants.O_RDWR | fsConstants.O_APPEND);
      } catch (e) {
        if (!isCode(e, 'EACCES')) throw e;
        fh = await open(this.path, fsConstants.O_WRONLY | fsConstants.O_APPEND);
      }
      const st = await fh.stat();
      // Root ignores permission bits; a file with none set was made read-only on purpose.
      if ((st.mode & 0o222) === 0) throw Object.assign(new Error('file has no write permission bits'), { code: 'EACCES' });
      if (st.ino !== this.ino) {
        await this.syncEnd();
        fresh = true;
      }
      this.wino = st.ino;
    } catch (e) {
      await fh?.close().catch(() => undefined);
      throw e instanceof LearningError ? e : io(this.path, 'cannot append to the metrics file (read-only?)', e);
    }
    this.wfh = fh;
    return fresh;
  }

  /**
   * The file shrank under the open store (truncated in place, same inode): forget the index and read the
   * file again as on open, so the next append writes the header into an emptied file and starts on a fresh
   * line after a cut. Reported as FILE_REPLACED, as a shrink seen by a query is.
   */
  private async rereadAfterTruncation(size: number): Promise<void> {
    this.report({
      code: 'FILE_REPLACED',
      line: 0,
      path: this.path,
      message: `${this.path}: the file shrank to ${size} bytes under the open store (truncated by another program?); reading it again before appending`,
    });
    await this.rfh?.close().catch(() => undefined);
    this.rfh = undefined;
    try {
      await this.openReader();
    } catch (e) {
      throw e instanceof LearningError ? e : io(this.path, 'cannot read the metrics file', e);
    }
  }

  query(query?: MetricQuery): Promise<MetricRecord[]> {
    if (this.closed) return Promise.reject(this.closedError());
    let q: MetricQuery;
    try {
      q = validateQuery(query);
    } catch (e) {
      return Promise.reject(e instanceof Error ? e : new Error(String(e)));
    }
    return this.run(async () => {
      await this.refresh();
      return this.index.query(q);
    });
  }

  names(): Promise<string[]> {
    if (this.closed) return Promise.reject(this.closedError());
    return this.run(async () => {
      await this.refresh();
      return this.index.nameList();
    });
  }

  compact(): Promise<CompactResult> {
    if (this.closed) return Promise.reject(this.closedError());
    if (this.readOnly) return Promise.reject(new LearningError('STORE_IO', `${this.path}: the store was opened with readOnly: true; open it without readOnly to compact`));
    return this.run(async () => {
      await this.refresh();
      const st = await this.rfh!.stat();
      if ((st.mode & 0o222) === 0)
        throw new LearningError('STORE_IO', `${this.path}: the file is read-only (no write permission bits); make it writable (chmod u+w) to compact it`);
      const bytesBefore = this.scanner.scannedSize;
      const lock = lockPathOf(this.path);
      try {
        await acquireCompactionLock(lock);
      } catch (e) {
        throw io(this.path, `cannot create the compaction lock ${lock}`, e);
      }
      let bytesAfter = 0;
      try {
        // Appends that looked for the lock just before it existed are finishing their write: let them land,
        // then read them, so they are in the new file.
        await sleep(COMPACTION_GRACE_MS);
        await this.refresh();
        bytesAfter = await this.writeCompacted(st.mode & 0o7777);
      } finally {
        await unlink(lock).catch(() => undefined);
      }
      const records = this.index.size;
      await this.reload();
      return { records, bytesBefore, bytesAfter };
    });
  }

  /**
   * Writes every indexed record to a temporary file and renames it over the file. Called with the compaction
   * lock held. Appends that checked for the lock just before it existed may still land in the old file: until
   * the copy is complete, what arrived is read and the copy redone; then the old file is sealed (SEAL_START),
   * what arrived before the seal is read into the copy, and the copy replaces the file. An append that lands
   * after the seal sees the file replaced when it checks after its write, finds its bytes after the seal and
   * writes them again into the new file (see `landedAfterSeal`).
   */
  private async writeCompacted(mode: number): Promise<number> {
    const tmp = `${this.path}.${process.pid}.${randomBytes(4).toString('hex')}.compact.tmp`;
    let bytesAfter = 0;
    try {
      for (;;) {
        bytesAfter = await this.writeIndex(tmp, mode);
        const scanned = this.scanner.scannedSize;
        await this.refresh();
        if (this.scanner.scannedSize === scanned) break; // nothing arrived while writing: the copy is complete
      }
      const copied = this.index.size;
      await this.sealAndReadToSeal();
      // Appends that landed between the last read and the seal: the copy must have them too.
      if (this.index.size !== copied) bytesAfter = await this.writeIndex(tmp, mode);
      await rename(tmp, this.path);
      await syncDir(dirname(this.path));
    } catch (e) {
      await unlink(tmp).catch(() => undefined);
      throw e instanceof LearningError ? e : io(this.path, 'cannot compact the metrics file', e);
    }
    return bytesAfter;
  }

  /** Writes the header and every indexed record to `tmp` (created or emptied), synced; returns its size. */
  private async writeIndex(tmp: string, mode: number): Promise<number> {
    const fh = await open(tmp, 'w', mode);
    try {
      const header = headerLine();
      await fh.write(header);
      let size = Buffer.byteLength(header);
      for (const chunk of this.index.lines()) {
        const buf = Buffer.from(chunk, 'utf8');
        await fh.write(buf);
        size += buf.length;
      }
      await fh.sync();
      return size;
    } finally {
      await fh.close();
    }
  }

  /**
   * Appends the seal to the file this store reads (the one about to be replaced) and reads every line up to and
   * including it, nothing after it: those lines are their writers' to append again.
   */
  private async sealAndReadToSeal(): Promise<void> {
    const line = Buffer.from(sealLine(randomBytes(8).toString('hex')), 'utf8');
    const fh = await open(this.path, fsConstants.O_WRONLY | fsConstants.O_APPEND);
    try {
      // The lock keeps other compactions out, but not someone moving another file into place by hand.
      if ((await fh.stat()).ino !== this.ino) throw new LearningError('STORE_IO', `${this.path}: the file was replaced during compaction (by something other than compact()); run compact() again`);
      const { bytesWritten } = await fh.write(line, 0, line.length, null);
      if (bytesWritten !== line.length) throw io(this.path, `only ${bytesWritten} of ${line.length} bytes of the compaction seal could be written (disk full?)`, undefined);
      if (this.fsync) await fh.datasync();
    } finally {
      await fh.close();
    }
    // Find it: it is after everything read so far, and unique (random nonce).
    const from = this.scanner.offset;
    const size = (await this.rfh!.stat()).size;
    const buf = Buffer.allocUnsafe(size - from);
    const { bytesRead } = await this.rfh!.read(buf, 0, buf.length, from);
    const at = buf.subarray(0, bytesRead).indexOf(line.subarray(1)); // without its leading line end
    if (at < 0) throw io(this.path, 'the compaction seal cannot be found in the file (was it changed by hand meanwhile?)', undefined);
    await this.scanner.scan(this.rfh!, from + at + line.length - 1);
  }

  close(): Promise<void> {
    if (this.closing) return this.closing;
    this.closed = true;
    this.closing = this.run(async () => {
      await this.wfh?.close().catch(() => undefined);
      await this.rfh?.close().catch(() => undefined);
      this.wfh = this.rfh = undefined;
    });
    return this.closing;
  }
}

/** Makes a create or rename durable: on Linux a new directory entry needs the directory fsync'ed. */
async function syncDir(dir: string): Promise<void> {
  let fh: FileHandle | undefined;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Some platforms (Windows) cannot open or sync a directory; the rename itself is still atomic.
  } finally {
    await fh?.close().catch(() => undefined);
  }
}
