/** The files of a zip archive (a jar), read with Node's zlib only: stored and deflated entries. */
import * as zlib from "zlib";

export function unzipEntries(buf: Buffer, wanted: (name: string) => boolean): Map<string, Buffer> {
    // End of central directory: signature 0x06054b50, within the last 64 KiB + 22 bytes.
    let eocd = -1;
    for (let i = buf.length - 22; i >= Math.max(0, buf.length - 65557); i--) {
        if (buf.readUInt32LE(i) === 0x06054b50) {
            eocd = i;
            break;
        }
    }
    if (eocd < 0) throw new Error("not a zip archive (no end of central directory)");
    const count = buf.readUInt16LE(eocd + 10);
    let p = buf.readUInt32LE(eocd + 16);
    const out = new Map<string, Buffer>();
    for (let n = 0; n < count; n++) {
        if (buf.readUInt32LE(p) !== 0x02014b50) throw new Error("corrupt central directory");
        const method = buf.readUInt16LE(p + 10);
        const compressed = buf.readUInt32LE(p + 20);
        const nameLen = buf.readUInt16LE(p + 28);
        const extraLen = buf.readUInt16LE(p + 30);
        const commentLen = buf.readUInt16LE(p + 32);
        const local = buf.readUInt32LE(p + 42);
        const name = buf.toString("utf8", p + 46, p + 46 + nameLen);
        p += 46 + nameLen + extraLen + commentLen;
        if (!wanted(name)) continue;
        const dataStart = local + 30 + buf.readUInt16LE(local + 26) + buf.readUInt16LE(local + 28);
        const data = buf.subarray(dataStart, dataStart + compressed);
        if (method === 0) out.set(name, Buffer.from(data));
        else if (method === 8) out.set(name, zlib.inflateRawSync(data));
        else throw new Error(`${name}: unsupported compression method ${method}`);
    }
    return out;
}
