"""Reader for the frame stream of `sluice loader serve` (src/loader/FORMAT.md, "Frames")."""

import json
import struct

import numpy as np

MAGIC_HELLO = b"SLH1"
MAGIC_BATCH = b"SLB1"
MAGIC_END = b"SLE1"
MAGIC_ERROR = b"SLX1"
BATCH_HEADER = struct.Struct("<4sIQIIIIIIIIQII")
assert BATCH_HEADER.size == 64
FLAG_DOC_MASK = 1


class FrameError(RuntimeError):
    pass


def read_exact_into(read_into, view):
    """Fills `view` (a writable memoryview of bytes) using read_into(view) -> n; False on clean EOF at the start."""
    got = 0
    total = len(view)
    while got < total:
        n = read_into(view[got:])
        if not n:
            if got == 0:
                return False
            raise FrameError(f"stream ended inside a frame ({got} of {total} bytes)")
        got += n
    return True


def read_bytes(read_into, n):
    buf = bytearray(n)
    if n and not read_exact_into(read_into, memoryview(buf)):
        raise FrameError("stream ended inside a frame")
    return bytes(buf)


def read_frame(read_into):
    """Returns ('hello', info) | ('batch', header, tokens, doc_start) | ('end', steps) | ('error', message) | None at EOF."""
    head = bytearray(8)
    if not read_exact_into(read_into, memoryview(head)):
        return None
    magic = bytes(head[:4])
    if magic in (MAGIC_HELLO, MAGIC_ERROR):
        (n,) = struct.unpack_from("<I", head, 4)
        text = read_bytes(read_into, n).decode("utf-8")
        return ("hello", json.loads(text)) if magic == MAGIC_HELLO else ("error", text)
    if magic == MAGIC_END:
        (steps,) = struct.unpack("<Q", read_bytes(read_into, 8))
        return ("end", steps)
    if magic != MAGIC_BATCH:
        raise FrameError(f"unknown frame magic {magic!r}")
    raw = bytes(head) + read_bytes(read_into, BATCH_HEADER.size - 8)
    (_, flags, step, rows, cols, seed, rank, world, shuffle, dataset, mixture, payload, version, _r) = BATCH_HEADER.unpack(raw)
    cells = rows * cols
    tokens = np.empty((rows, cols), dtype="<i4")
    if not read_exact_into(read_into, memoryview(tokens).cast("B")):
        raise FrameError("stream ended inside a batch")
    doc_start = None
    if flags & FLAG_DOC_MASK:
        doc_start = np.empty((rows, cols), dtype=np.uint8)
        if not read_exact_into(read_into, memoryview(doc_start).cast("B")):
            raise FrameError("stream ended inside a batch")
    if payload != cells * 4 + (cells if doc_start is not None else 0):
        raise FrameError(f"batch {step}: payload {payload} bytes does not match {rows}x{cols}")
    state = {
        "version": version,
        "step": step + 1,
        "seed": seed,
        "rank": rank,
        "world": world,
        "seq_len": cols - 1,
        "batch": rows,
        "shuffle_buffer": shuffle,
        "dataset": dataset,
        "mixture": mixture,
    }
    return ("batch", step, tokens, doc_start, state)
