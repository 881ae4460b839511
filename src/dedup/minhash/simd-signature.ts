/**
 * MinHash signatures in WebAssembly SIMD: four permutations per instruction. In a profile of the
 * full web chain they were the largest entry after GC (6% of its CPU), and V8's scalar loop does
 * one `Math.imul`, one add and one compare per permutation and shingle. `i32x4.mul` and
 * `i32x4.add` wrap modulo 2^32 as `Math.imul` and `| 0` do, and `i32x4.min_u` is the unsigned
 * minimum the scalar loop reaches through its sign flip, so the signatures are bit-identical
 * (signature-simd.test.ts).
 *
 * Memory: the permutations' A and B, the output, then the shingle hashes of the document, which
 * grows (views are remade after a grow; nothing outside this file holds one).
 */
import { Op, V128, I32, compileIfSupported, i32Const, localGet, localSet, simd, singleFunctionModule, wasmApi, WASM_PAGE, type WasmMemory } from '../../core/wasm.js';

// (func (export "signature") (param $sh $count $a $b $out $vectors i32)
//   for each group of 4 vectors (16 permutations) at byte k, then each single vector:
//     m = all ones; for each shingle x: m = i32x4.min_u(m, i32x4.add(i32x4.mul(a[k], splat(x)), b[k]))
//     out[k] = m
const [SH, COUNT, A, B, OUT, VECTORS] = [0, 1, 2, 3, 4, 5];
const [K, I, END, GROUPS_END, VECTORS_END] = [6, 7, 8, 9, 10];
const X = 11;
/** Accumulators, A and B of up to four vectors at once. */
const M = [12, 13, 14, 15];
const AV = [16, 17, 18, 19];
const BV = [20, 21, 22, 23];

const v128Load = (offset: number): number[] => simd(0x00, 4, offset);
const v128Store = (offset: number): number[] => simd(0x0b, 4, offset);
const i32x4Splat = simd(0x11);
const i32x4Add = simd(0xae);
const i32x4Mul = simd(0xb5);
const i32x4MinU = simd(0xb7);

/** The loop over `vectors` vectors at byte k (1 or 4), shingles inside; advances k past them. */
function pass(vectors: number, endLocal: number): number[] {
  const lanes = [...Array(vectors).keys()];
  // prettier-ignore
  return [
    Op.Block, Op.Void,
    Op.Loop, Op.Void,
    ...localGet(K), ...localGet(endLocal), Op.I32GeU, Op.BrIf, 1,
    ...lanes.flatMap((v) => [...localGet(A), ...localGet(K), Op.I32Add, ...v128Load(16 * v), ...localSet(AV[v]!)]),
    ...lanes.flatMap((v) => [...localGet(B), ...localGet(K), Op.I32Add, ...v128Load(16 * v), ...localSet(BV[v]!)]),
    ...lanes.flatMap((v) => [...i32Const(-1), ...i32x4Splat, ...localSet(M[v]!)]),
    ...i32Const(0), ...localSet(I),
    Op.Block, Op.Void,
    Op.Loop, Op.Void,
    ...localGet(I), ...localGet(END), Op.I32GeU, Op.BrIf, 1,
    ...localGet(SH), ...localGet(I), Op.I32Add, Op.I32Load, 2, 0, ...i32x4Splat, ...localSet(X),
    ...lanes.flatMap((v) => [
      ...localGet(M[v]!),
      ...localGet(AV[v]!), ...localGet(X), ...i32x4Mul, ...localGet(BV[v]!), ...i32x4Add,
      ...i32x4MinU, ...localSet(M[v]!),
    ]),
    ...localGet(I), ...i32Const(4), Op.I32Add, ...localSet(I),
    Op.Br, 0,
    Op.End,
    Op.End,
    ...lanes.flatMap((v) => [...localGet(OUT), ...localGet(K), Op.I32Add, ...localGet(M[v]!), ...v128Store(16 * v)]),
    ...localGet(K), ...i32Const(16 * vectors), Op.I32Add, ...localSet(K),
    Op.Br, 0,
    Op.End,
    Op.End,
  ];
}

function moduleBytes(): Uint8Array {
  // prettier-ignore
  const code = [
    // locals: 5 × i32 (k, i, end, groupsEnd, vectorsEnd), 13 × v128 (x, m0-3, a0-3, b0-3)
    2, 5, I32, 13, V128,
    ...localGet(COUNT), ...i32Const(2), Op.I32Shl, ...localSet(END),
    ...localGet(VECTORS), ...i32Const(-4), Op.I32And, ...i32Const(4), Op.I32Shl, ...localSet(GROUPS_END),
    ...localGet(VECTORS), ...i32Const(4), Op.I32Shl, ...localSet(VECTORS_END),
    ...pass(4, GROUPS_END),
    ...pass(1, VECTORS_END),
    Op.End,
  ];
  return singleFunctionModule('signature', 6, code);
}

type SignatureKernel = (sh: number, count: number, a: number, b: number, out: number, vectors: number) => void;

let compiled: object | null | undefined;

function kernelModule(): object | null {
  if (compiled === undefined) compiled = compileIfSupported(moduleBytes());
  return compiled;
}

/**
 * The SIMD part of one hasher: the first `lanes` (a multiple of 4) permutations. Undefined where
 * the runtime has no WebAssembly SIMD, or the hasher has fewer than 4 permutations.
 */
export class SimdSignature {
  private readonly memory: WasmMemory;
  private readonly kernel: SignatureKernel;
  private readonly shingleAt: number;
  private shingles: Int32Array;
  private out: Int32Array;

  private constructor(
    readonly lanes: number,
    a: Int32Array,
    b: Int32Array,
  ) {
    const mod = kernelModule()!;
    const fixed = 3 * lanes * 4;
    this.shingleAt = fixed;
    this.memory = new wasmApi!.Memory({ initial: Math.ceil((fixed + 4096 * 4) / WASM_PAGE) });
    this.kernel = new wasmApi!.Instance(mod, { env: { mem: this.memory } }).exports['signature'] as SignatureKernel;
    new Int32Array(this.memory.buffer, 0, lanes).set(a.subarray(0, lanes));
    new Int32Array(this.memory.buffer, lanes * 4, lanes).set(b.subarray(0, lanes));
    this.out = new Int32Array(this.memory.buffer, 2 * lanes * 4, lanes);
    this.shingles = this.shingleView();
  }

  static create(a: Int32Array, b: Int32Array): SimdSignature | undefined {
    const lanes = a.length & ~3;
    if (lanes === 0 || kernelModule() === null) return undefined;
    return new SimdSignature(lanes, a, b);
  }

  private shingleView(): Int32Array {
    return new Int32Array(this.memory.buffer, this.shingleAt, (this.memory.buffer.byteLength - this.shingleAt) >> 2);
  }

  /** Writes the first `lanes` values of the signature of `shingles[0, count)` into `out`. */
  signature(shingles: Int32Array, count: number, out: Int32Array): void {
    if (count > this.shingles.length) {
      const bytes = this.shingleAt + count * 4;
      this.memory.grow(Math.ceil((bytes - this.memory.buffer.byteLength) / WASM_PAGE));
      this.shingles = this.shingleView();
      this.out = new Int32Array(this.memory.buffer, 2 * this.lanes * 4, this.lanes);
    }
    this.shingles.set(shingles.subarray(0, count));
    this.kernel(this.shingleAt, count, 0, this.lanes * 4, 2 * this.lanes * 4, this.lanes >> 2);
    out.set(this.out);
  }
}
