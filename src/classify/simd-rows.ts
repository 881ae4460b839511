/**
 * The hidden vector's row additions in WebAssembly SIMD. Prediction spends most of its time adding
 * input rows (a word, its character n-grams, its word n-grams) into one vector; fastText's C++
 * loop is vectorised by the compiler, V8's scalar loop converts every float32 to a double and back.
 * `f32x4.add` is four IEEE float32 additions, the same ones fastText's `x[j] += row[j]` does one
 * at a time, so the sums are bit-identical; the one-vs-all head's table sigmoid depends on that.
 *
 * The matrix lives in the module's linear memory (the model reader reads it straight there), so
 * the kernel reads rows in place. Each matrix gets its own fixed-size memory: growing a memory
 * would detach the Float32Array views the rest of the classifier holds.
 */

import { Op, compileIfSupported, i32Const, localGet, localSet, simd, singleFunctionModule, wasmApi, WASM_PAGE, type WasmMemory } from '../core/wasm.js';

/** Linear memory is 32-bit: matrices larger than this stay in ordinary typed arrays (scalar path). */
const MAX_MATRIX_BYTES = 3 * 2 ** 30;
/** Row ids handed to the kernel per call; longer lines go in chunks (the order of additions is kept). */
const ID_CHUNK = 8192;

// The module, assembled here so the build needs no WebAssembly toolchain. Equivalent text format:
//   (func (export "add_rows") (param $ids i32) (param $n i32) (param $rowBytes i32) (param $h i32)
//     for k in 0..n: src = ids[k] * rowBytes
//       for j in 0..(rowBytes & ~15) step 16: v128.store(h + j, f32x4.add(v128.load(h + j), v128.load(src + j)))
//       for j up to rowBytes step 4:          f32.store(h + j, f32.add(f32.load(h + j), f32.load(src + j))))
// params 0..3: ids, n, rowBytes, h; locals 4..7: k, src, j, vecEnd
const [IDS, N, ROW, H, K, SRC, J, VEC_END] = [0, 1, 2, 3, 4, 5, 6, 7];
const v128Load = simd(0x00, 4, 0);
const v128Store = simd(0x0b, 4, 0);
const f32x4Add = simd(0xe4);

function body(): number[] {
  // prettier-ignore
  return [
    // locals: 4 × i32
    1, 4, 0x7f,
    ...localGet(ROW), ...i32Const(-16), Op.I32And, ...localSet(VEC_END),
    Op.Block, Op.Void,
    Op.Loop, Op.Void,
    ...localGet(K), ...localGet(N), Op.I32GeU, Op.BrIf, 1,
    ...localGet(IDS), ...localGet(K), ...i32Const(2), Op.I32Shl, Op.I32Add, Op.I32Load, 2, 0,
    ...localGet(ROW), Op.I32Mul, ...localSet(SRC),
    ...i32Const(0), ...localSet(J),
    Op.Block, Op.Void,
    Op.Loop, Op.Void,
    ...localGet(J), ...localGet(VEC_END), Op.I32GeU, Op.BrIf, 1,
    ...localGet(H), ...localGet(J), Op.I32Add,
    ...localGet(H), ...localGet(J), Op.I32Add, ...v128Load,
    ...localGet(SRC), ...localGet(J), Op.I32Add, ...v128Load,
    ...f32x4Add, ...v128Store,
    ...localGet(J), ...i32Const(16), Op.I32Add, ...localSet(J),
    Op.Br, 0,
    Op.End,
    Op.End,
    Op.Block, Op.Void,
    Op.Loop, Op.Void,
    ...localGet(J), ...localGet(ROW), Op.I32GeU, Op.BrIf, 1,
    ...localGet(H), ...localGet(J), Op.I32Add,
    ...localGet(H), ...localGet(J), Op.I32Add, Op.F32Load, 2, 0,
    ...localGet(SRC), ...localGet(J), Op.I32Add, Op.F32Load, 2, 0,
    Op.F32Add, Op.F32Store, 2, 0,
    ...localGet(J), ...i32Const(4), Op.I32Add, ...localSet(J),
    Op.Br, 0,
    Op.End,
    Op.End,
    ...localGet(K), ...i32Const(1), Op.I32Add, ...localSet(K),
    Op.Br, 0,
    Op.End,
    Op.End,
    Op.End,
  ];
}

function moduleBytes(): Uint8Array {
  return singleFunctionModule('add_rows', 4, body());
}

let compiled: object | null | undefined;

/** The compiled kernel, or null where this runtime has no WebAssembly SIMD. */
function kernelModule(): object | null {
  if (compiled === undefined) {
    compiled = compileIfSupported(moduleBytes());
  }
  return compiled;
}

type AddRows = (ids: number, n: number, rowBytes: number, h: number) => void;

/**
 * A matrix's floats in a linear memory of their own, with room after them for the hidden vector
 * and a chunk of row ids. `data` is an ordinary Float32Array view, used by everything else.
 */
export class SimdRows {
  readonly data: Float32Array;
  private readonly hidden: Float32Array;
  private readonly ids: Int32Array;
  private readonly addRowsWasm: AddRows;

  private constructor(
    memory: WasmMemory,
    floats: number,
    private readonly cols: number,
    exports: Record<string, unknown>,
  ) {
    const hiddenAt = align16(floats * 4);
    const idsAt = align16(hiddenAt + cols * 4);
    this.data = new Float32Array(memory.buffer, 0, floats);
    this.hidden = new Float32Array(memory.buffer, hiddenAt, cols);
    this.ids = new Int32Array(memory.buffer, idsAt, ID_CHUNK);
    this.addRowsWasm = exports['add_rows'] as AddRows;
  }

  /** Memory for a rows × cols matrix, or undefined where SIMD is missing or the matrix too large. */
  static allocate(rows: number, cols: number): SimdRows | undefined {
    const mod = kernelModule();
    const floats = rows * cols;
    if (mod === null || wasmApi === undefined || floats * 4 > MAX_MATRIX_BYTES) return undefined;
    const bytes = align16(align16(floats * 4) + cols * 4) + ID_CHUNK * 4;
    const pages = Math.ceil(bytes / WASM_PAGE);
    const memory = new wasmApi.Memory({ initial: pages, maximum: pages });
    const instance = new wasmApi.Instance(mod, { env: { mem: memory } });
    return new SimdRows(memory, floats, cols, instance.exports);
  }

  /** x = the sum of rows `ids[0, n)`, added in that order (x's previous contents are dropped). */
  sumRows(ids: Int32Array, n: number, x: Float32Array): void {
    const h = this.hidden;
    h.fill(0);
    const rowBytes = this.cols * 4;
    for (let at = 0; at < n; at += ID_CHUNK) {
      const m = Math.min(ID_CHUNK, n - at);
      this.ids.set(ids.subarray(at, at + m));
      this.addRowsWasm(this.ids.byteOffset, m, rowBytes, h.byteOffset);
    }
    x.set(h);
  }
}

function align16(n: number): number {
  return Math.ceil(n / 16) * 16;
}
