import type { FileHandle } from 'node:fs/promises';
import { LearningError } from '@autodev/learning';
import { FORMAT_VERSION } from './format.js';
import { LineKind, LineParser, isJsonPrefix } from './line-parser.js';
import type { RecordIndex } from './record-index.js';

/** A problem the store recovered from; see the README's "Guarantees". */
export interface FileStoreWarning {
  /**
   * - `TORN_LINE`: a line cut short by a crash mid-write (never acknowledged); ignored.
   * - `INCOMPLETE_BATCH`: some records of a multi-record append whose write was cut short; ignored, all or nothing.
   * - `CORRUPT_LINE_SKIPPED`: a damaged line skipped because `onCorrupt: 'skip'`.
   * - `FILE_REPLACED`: the file was replaced or shrank under the store (another process compacted it); reloaded.
   */
  code: 'TORN_LINE' | 'INCOMPLETE_BATCH' | 'CORRUPT_LINE_SKIPPED' | 'FILE_REPLACED';
  message: string;
  /** Absolute path of the file. */
  path: string;
  /** 1-based line number the warning is about (0 when it is about the whole file). */
  line: number;
}

interface PendingBatch {
  tag: string;
  count: number;
  line: number;
  names: string[];
  values: number[];
  timestamps: number[];
  metaIds: number[];
}

const CHUNK_BYTES = 4 * 1024 * 1024;
const BOM = [0xef, 0xbb, 0xbf];

/**
 * Reads a metrics file incrementally into a {@link RecordIndex}: the whole file on open, then only
 * the bytes appended since (by this or any other process) before each query.
 *
 * Only complete lines (ending in "\n") are consumed; an incomplete last line stays unread until it
 * is completed (a write in progress elsewhere) or followed by more lines (a write torn by a crash).
 */
export class Scanner {
  /** Byte offset of the first byte not consumed yet. */
  offset = 0;
  /** Complete lines consumed, the BOM-only prefix excluded. */
  lineNo = 0;
  sawHeader = false;
  /** File size at the end of the last scan. */
  scannedSize = 0;
  /** Bytes after the last "\n" at the end of the last scan (a torn or in-progress line). */
  tailBytes = 0;
  /** The file's last byte was "\n" (or the file is empty) at the end of the last scan. */
  endsWithNewline = true;
  private pending: PendingBatch | undefined;
  private readonly parser = new LineParser();
  private readonly warned = new Set<string>();
  /**
   * The error a scan stopped at. Lines before it in the same chunk are already in the index and the
   * offset is not past them, so scanning on would add them twice and misnumber lines: every later
   * scan rethrows it instead (reopen the store, or open it with onCorrupt: 'skip', to read on).
   */
  private failed: Error | undefined;

  constructor(
    private readonly index: RecordIndex,
    private readonly path: string,
    private readonly skipCorrupt: boolean,
    private readonly warn: (w: FileStoreWarning) => void,
  ) {}

  /** Reads `[offset, size)` of `fh` and consumes every complete line in it. */
  async scan(fh: FileHandle, size: number): Promise<void> {
    if (this.failed !== undefined) throw this.failed;
    if (this.offset === 0 && size >= 3) {
      const head = Buffer.alloc(3);
      await fh.read(head, 0, 3, 0);
      // A UTF-8 byte order mark (Windows editors add one) is skipped, never removed from the file.
      if (head[0] === BOM[0] && head[1] === BOM[1] && head[2] === BOM[2]) this.offset = 3;
    }
    let buf = Buffer.allocUnsafe(Math.min(CHUNK_BYTES, Math.max(64, size - this.offset)));
    let carry = 0; // bytes at buf[0..carry) are file bytes [offset, offset + carry), not yet a complete line
    let eof = false;
    while (!eof && this.offset + carry < size) {
      if (carry === buf.length) {
        // One line longer than the buffer (hand-edited file): grow until it fits.
        const bigger = Buffer.allocUnsafe(buf.length * 2);
        buf.copy(bigger, 0, 0, carry);
        buf = bigger;
      }
      const want = Math.min(buf.length - carry, size - this.offset - carry);
      const { bytesRead } = await fh.read(buf, carry, want, this.offset + carry);
      if (bytesRead === 0) eof = true; // shrank while reading; the next refresh notices
      const filled = carry + bytesRead;
      const lastNl = filled === 0 ? -1 : buf.lastIndexOf(10, filled - 1);
      if (lastNl >= 0) {
        try {
          this.consume(buf.toString('utf8', 0, lastNl + 1));
        } catch (e) {
          this.failed = e instanceof Error ? e : new Error(String(e));
          throw e;
        }
        this.offset += lastNl + 1;
        carry = filled - lastNl - 1;
        if (carry > 0) buf.copy(buf, 0, lastNl + 1, filled);
      } else carry = filled;
    }
    this.scannedSize = size;
    this.tailBytes = carry;
    // Everything up to `offset` ends in "\n" (or is empty, or a BOM), so only unconsumed bytes matter.
    this.endsWithNewline = carry === 0;
  }

  /** Called once after the first full scan: reports what a crash left at the end of the file. */
  reportTail(): void {
    if (this.tailBytes > 0)
      this.warnOnce('TORN_LINE', this.lineNo + 1, `the last line is incomplete (${this.tailBytes} bytes without a line end): a write cut short by a crash, or one still in progress. It is ignored until complete; the next append starts on a new line`);
    const p = this.pending;
    if (p !== undefined)
      this.warnOnce('INCOMPLETE_BATCH', p.line, `a batch of ${p.count} records starting here has only ${p.names.length}: an append cut short by a crash, or one still in progress. Its records are ignored until all of them are present`);
  }

  private consume(text: string): void {
    let a = 0;
    for (;;) {
      const nl = text.indexOf('\n', a);
      if (nl < 0) return;
      this.lineNo++;
      const b = nl > a && text.charCodeAt(nl - 1) === 13 ? nl - 1 : nl; // CRLF files read like LF ones
      this.line(text, a, b);
      a = nl + 1;
    }
  }

  private line(s: string, a: number, b: number): void {
    const p = this.parser;
    const kind = p.parse(s, a, b);
    if (kind === LineKind.BLANK) {
      // A blank line ends any batch: writers put one after a torn line before appending.
      this.abandonBatch();
      return;
    }
    if (!this.sawHeader) {
      if (kind === LineKind.HEADER) {
        this.header();
        return;
      }
      throw new LearningError(
        'STORE_CORRUPT',
        `${this.path}:${this.lineNo}: not an autodev metrics file: the first line must be the header {"format":"autodev-metrics","version":1}` +
          ` (${kind === LineKind.RECORD ? 'found a record' : p.reason}). Point the store at its own file, or move this one away`,
      );
    }
    if (kind === LineKind.RECORD) {
      const metaId = this.index.metaId(p.meta);
      if (metaId >= 0) {
        this.record(metaId);
        return;
      }
      p.reason = '"metadata" is not a valid JSON object';
    } else if (kind === LineKind.HEADER) {
      // Another header mid-file: two processes created the file at once, or files were concatenated.
      this.abandonBatch();
      this.header();
      return;
    }
    this.bad(s, a, b);
  }

  private header(): void {
    const version = this.parser.version;
    if (version > FORMAT_VERSION)
      throw new LearningError(
        'STORE_VERSION',
        `${this.path}:${this.lineNo}: written in format version ${version}, but this @autodev/storage-file reads up to version ${FORMAT_VERSION}; upgrade @autodev/storage-file`,
      );
    this.sawHeader = true;
  }

  private record(metaId: number): void {
    const p = this.parser;
    if (p.batch === '') {
      this.abandonBatch();
      this.index.add(p.name, p.value, p.timestamp, metaId);
      return;
    }
    let batch = this.pending;
    if (batch === undefined || batch.tag !== p.batch) {
      this.abandonBatch();
      batch = { tag: p.batch, count: Number(p.batch.slice(p.batch.indexOf('/') + 1)), line: this.lineNo, names: [], values: [], timestamps: [], metaIds: [] };
      this.pending = batch;
    }
    batch.names.push(p.name);
    batch.values.push(p.value);
    batch.timestamps.push(p.timestamp);
    batch.metaIds.push(metaId);
    if (batch.names.length === batch.count) {
      this.pending = undefined;
      for (let i = 0; i < batch.count; i++) this.index.add(batch.names[i]!, batch.values[i]!, batch.timestamps[i]!, batch.metaIds[i]!);
    }
  }

  /**
   * One write(2) puts a whole batch in the file contiguously, so a line that is not the batch's
   * next record means the batch's writer died mid-write: drop its records (all or nothing).
   */
  private abandonBatch(): void {
    const b = this.pending;
    if (b === undefined) return;
    this.pending = undefined;
    this.warnOnce('INCOMPLETE_BATCH', b.line, `a batch of ${b.count} records starting here has only ${b.names.length}: an append cut short by a crash; its records were never acknowledged and are ignored`);
  }

  private bad(s: string, a: number, b: number): void {
    const reason = this.parser.reason;
    this.abandonBatch();
    const found = { tries: 256, kind: LineKind.BAD as LineKind };
    const p = recoverTorn(s, a, b, this.parser, found);
    if (p === -1) {
      this.warnOnce('TORN_LINE', this.lineNo, 'an incomplete line, a write cut short by a crash (never acknowledged); it is ignored');
      return;
    }
    if (p !== null) {
      // Torn writes followed on the same line by a complete one: a writer appended before anyone saw the tear.
      this.warnOnce('TORN_LINE', this.lineNo, `a write cut short by a crash (${p - a} characters) is followed on the same line by a complete line, which is kept`);
      if (found.kind === LineKind.HEADER) {
        this.header();
        return;
      }
      const metaId = this.index.metaId(this.parser.meta);
      if (metaId >= 0) {
        this.record(metaId);
        return;
      }
    }
    if (this.skipCorrupt) {
      this.warnOnce('CORRUPT_LINE_SKIPPED', this.lineNo, `damaged line skipped: ${reason}`);
      return;
    }
    throw new LearningError(
      'STORE_CORRUPT',
      `${this.path}:${this.lineNo}: damaged line: ${reason}. Fix or delete that line by hand (a program using openFileStore can pass onCorrupt: 'skip' to read past it)`,
    );
  }

  private warnOnce(code: FileStoreWarning['code'], line: number, message: string): void {
    const key = `${code}:${line}`;
    if (this.warned.has(key)) return;
    this.warned.add(key);
    this.warn({ code, line, path: this.path, message: `${this.path}:${line}: ${message}` });
  }
}

/**
 * Reads a bad line `s[a, b)` as torn writes: one or more cut-short JSON objects (each a proper prefix
 * of a line, as a crash leaves them), optionally followed by one complete line (written by a process
 * that did not know about the tear). Returns -1 when the line is torn writes only, the start of the
 * complete line (left parsed in `parser`) when there is one, and null when the line is damage.
 */
function recoverTorn(s: string, a: number, b: number, parser: LineParser, budget: { tries: number; kind: LineKind }): number | null {
  if (isJsonPrefix(s.slice(a, b))) return -1;
  for (let p = s.indexOf('{"', a + 1); p >= 0 && p < b; p = s.indexOf('{"', p + 1)) {
    if (budget.tries-- <= 0 || !isJsonPrefix(s.slice(a, p))) return null; // a longer piece is no prefix either
    const kind = parser.parse(s, p, b);
    if (kind === LineKind.RECORD || kind === LineKind.HEADER) {
      budget.kind = kind;
      return p;
    }
    const rest = recoverTorn(s, p, b, parser, budget);
    if (rest !== null) return rest;
  }
  return null;
}
