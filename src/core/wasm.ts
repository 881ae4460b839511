/**
 * What the hand-assembled WebAssembly kernels share (classify/simd-rows.ts, dedup/minhash/
 * simd-signature.ts): LEB128 numbers, sections, and the slice of the WebAssembly API they call.
 * Assembling a few dozen instructions here spares the build a WebAssembly toolchain.
 */

/** The opcodes the kernels use; SIMD instructions are `Simd` followed by a LEB128 sub-opcode. */
export const enum Op {
  Block = 0x02,
  Loop = 0x03,
  End = 0x0b,
  Br = 0x0c,
  BrIf = 0x0d,
  LocalGet = 0x20,
  LocalSet = 0x21,
  I32Load = 0x28,
  F32Load = 0x2a,
  F32Store = 0x38,
  I32Const = 0x41,
  I32GeU = 0x4f,
  I32Add = 0x6a,
  I32Mul = 0x6c,
  I32And = 0x71,
  I32Shl = 0x74,
  F32Add = 0x92,
  Simd = 0xfd,
  /** Block type of a block or loop that leaves nothing on the stack. */
  Void = 0x40,
}

/** Value types, as local declarations and function types write them. */
export const I32 = 0x7f;
export const V128 = 0x7b;

export function uleb(v: number): number[] {
  const out: number[] = [];
  do {
    let b = v & 0x7f;
    v >>>= 7;
    if (v !== 0) b |= 0x80;
    out.push(b);
  } while (v !== 0);
  return out;
}

export function sleb(v: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = v & 0x7f;
    v >>= 7;
    if ((v === 0 && (b & 0x40) === 0) || (v === -1 && (b & 0x40) !== 0)) return [...out, b];
    out.push(b | 0x80);
  }
}

export function section(id: number, content: number[]): number[] {
  return [id, ...uleb(content.length), ...content];
}

/** A name as the binary format writes it: length, then the bytes (ASCII here). */
export function wasmName(s: string): number[] {
  return [s.length, ...[...s].map((c) => c.charCodeAt(0))];
}

export const localGet = (i: number): number[] => [Op.LocalGet, ...uleb(i)];
export const localSet = (i: number): number[] => [Op.LocalSet, ...uleb(i)];
export const i32Const = (v: number): number[] => [Op.I32Const, ...sleb(v)];
/** A SIMD instruction; `memarg` (alignment log2, offset) for loads and stores. */
export const simd = (sub: number, ...memarg: number[]): number[] => [Op.Simd, ...uleb(sub), ...memarg.flatMap((m) => uleb(m))];

/**
 * A module with one memory imported as `env.mem` and one exported function `name` whose type
 * takes `params` i32 values and returns nothing; `code` is the function body, locals included.
 */
export function singleFunctionModule(name: string, params: number, code: number[]): Uint8Array {
  // prettier-ignore
  return new Uint8Array([
    0x00, 0x61, 0x73, 0x6d, 1, 0, 0, 0,
    ...section(1, [1, 0x60, params, ...Array<number>(params).fill(I32), 0]),
    ...section(2, [1, ...wasmName('env'), ...wasmName('mem'), 0x02, 0x00, 1]),
    ...section(3, [1, 0]),
    ...section(7, [1, ...wasmName(name), 0x00, 0]),
    ...section(10, [1, ...uleb(code.length), ...code]),
  ]);
}

/** The part of the WebAssembly API used here (the project's type libraries leave it out: it lives in lib.dom). */
export interface WasmMemory {
  readonly buffer: ArrayBuffer;
  grow(pages: number): number;
}
export interface WasmApi {
  validate(bytes: Uint8Array): boolean;
  Module: new (bytes: Uint8Array) => object;
  Memory: new (limits: { initial: number; maximum?: number }) => WasmMemory;
  Instance: new (module: object, imports: { env: { mem: WasmMemory } }) => { exports: Record<string, unknown> };
}

export const wasmApi = (globalThis as unknown as { WebAssembly?: WasmApi }).WebAssembly;

export const WASM_PAGE = 65536;

/** Compiles `bytes`, or returns null where this runtime cannot (no WebAssembly, or no SIMD). */
export function compileIfSupported(bytes: Uint8Array): object | null {
  return wasmApi !== undefined && wasmApi.validate(bytes) ? new wasmApi.Module(bytes) : null;
}
