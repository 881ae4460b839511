"""Starts `sluice loader serve` (or connects to its socket) and yields numpy batches. numpy only."""

import json
import os
import shutil
import socket as socketlib
import subprocess
import tempfile
from pathlib import Path
from typing import NamedTuple, Optional

import numpy as np

from .frames import FrameError, read_frame

STATE_KEYS = ("version", "step", "seed", "rank", "world", "seq_len", "batch", "shuffle_buffer", "dataset", "mixture")


class LoaderError(RuntimeError):
    """The loader server refused the dataset or options, or failed while streaming."""


class Batch(NamedTuple):
    step: int
    #: int32 [batch, seq_len + 1]: inputs are tokens[:, :-1], targets tokens[:, 1:]
    tokens: np.ndarray
    #: uint8 [batch, seq_len + 1], 1 where a document starts (with doc_mask), else None
    doc_start: Optional[np.ndarray]
    #: the loader state after this batch: pass it to resume and the next batch is step + 1
    state: dict


def default_command():
    """How to run the sluice CLI: $SLUICE_CLI (a command line), else node + this checkout's dist/cli/main.js, else `sluice` on PATH."""
    env = os.environ.get("SLUICE_CLI")
    if env:
        return env.split()
    node = os.environ.get("SLUICE_NODE") or shutil.which("node") or "node"
    built = Path(__file__).resolve().parents[4] / "dist" / "cli" / "main.js"
    if built.exists():
        return [node, str(built)]
    on_path = shutil.which("sluice")
    if on_path:
        return [on_path]
    raise LoaderError(f"cannot find the sluice CLI: {built} is missing (run `make build`) and `sluice` is not on PATH; or set SLUICE_CLI")


def check_state(state):
    if not isinstance(state, dict) or any(not isinstance(state.get(k), int) for k in STATE_KEYS):
        raise LoaderError(f"not a loader state (keys {', '.join(STATE_KEYS)}): {state!r}")
    return {k: int(state[k]) for k in STATE_KEYS}


class LoaderClient:
    """One stream of batches, from a `sluice loader serve` child process or a server's Unix socket.

    Iterate it for `Batch` tuples; `hello` holds the dataset's facts (vocab_size, eos_id,
    tokenizer, the initial state). Close it (or use it as a context manager) to stop the server.
    """

    def __init__(self, dataset=None, seq_len=None, batch=None, rank=0, world=1, seed=0, *, resume=None, steps=None,
                 mixture=None, shuffle_buffer=None, doc_mask=False, verify=None, tokenizer_sha256=None,
                 socket=None, command=None, pipe_bytes=1 << 20):
        self._proc = None
        self._sock = None
        self._stderr = None
        self.hello = None
        self._done = False
        resume = check_state(resume) if resume is not None else None
        if socket is not None:
            self._connect(socket, resume, steps)
        else:
            if dataset is None or seq_len is None or batch is None:
                raise LoaderError("dataset, seq_len and batch are required unless connecting to a socket")
            args = ["loader", "serve", "--dataset", str(dataset), "--seq-len", str(seq_len), "--batch", str(batch),
                    "--rank", str(rank), "--world", str(world), "--seed", str(seed)]
            if resume is not None:
                args += ["--resume", json.dumps(resume)]
            if steps is not None:
                args += ["--steps", str(steps)]
            if mixture:
                spec = mixture if isinstance(mixture, str) else ",".join(f"{k}={v}" for k, v in mixture.items())
                args += ["--mixture", spec]
            if shuffle_buffer is not None:
                args += ["--shuffle-buffer", str(shuffle_buffer)]
            if doc_mask:
                args += ["--doc-mask"]
            if verify is not None:
                args += ["--verify", verify]
            if tokenizer_sha256 is not None:
                args += ["--tokenizer-sha256", tokenizer_sha256]
            self._spawn(list(command or default_command()) + args, pipe_bytes)
        self.hello = self._expect_hello()

    # -- transport ---------------------------------------------------------------------------
    def _spawn(self, cmd, pipe_bytes):
        self._stderr = tempfile.TemporaryFile()
        self._proc = subprocess.Popen(cmd, stdin=subprocess.DEVNULL, stdout=subprocess.PIPE, stderr=self._stderr, bufsize=0)
        out = self._proc.stdout
        try:  # a larger pipe lets the server run further ahead of the trainer
            import fcntl

            fcntl.fcntl(out.fileno(), getattr(fcntl, "F_SETPIPE_SZ", 1031), pipe_bytes)
        except (ImportError, OSError):
            pass
        self._read_into = out.readinto

    def _connect(self, path, resume, steps):
        self._sock = socketlib.socket(socketlib.AF_UNIX, socketlib.SOCK_STREAM)
        try:
            self._sock.connect(str(path))
        except OSError as e:
            raise LoaderError(f"cannot connect to the loader socket {path}: {e}; start `sluice loader serve --socket {path} ...` first") from e
        self._sock.sendall((json.dumps({"resume": resume, "steps": steps}) + "\n").encode())
        self._read_into = self._sock.recv_into

    def _stderr_tail(self):
        if self._stderr is None:
            return ""
        if self._proc is not None:
            try:  # a failing server exits right after its message; give it a moment to flush stderr
                self._proc.wait(timeout=2)
            except subprocess.TimeoutExpired:
                pass
        self._stderr.seek(0)
        return self._stderr.read()[-4000:].decode("utf-8", "replace").strip()

    def _fail(self, message):
        tail = self._stderr_tail()
        self.close()
        raise LoaderError(message + (f"\n{tail}" if tail else ""))

    def _next_frame(self):
        try:
            return read_frame(self._read_into)
        except (FrameError, OSError) as e:
            self._fail(f"loader stream broke: {e}")

    def _expect_hello(self):
        frame = self._next_frame()
        if frame is None:
            self._fail("the loader server exited before sending anything")
        if frame[0] == "error":
            self._fail(frame[1])
        if frame[0] != "hello":
            self._fail(f"expected a hello frame, got {frame[0]}")
        return frame[1]

    @property
    def server_pid(self):
        """Process id of the server this client started (None when connected to a socket)."""
        return self._proc.pid if self._proc is not None else None

    # -- iteration ---------------------------------------------------------------------------
    def __iter__(self):
        return self

    def __next__(self):
        if self._done:
            raise StopIteration
        frame = self._next_frame()
        if frame is None:
            self._fail("the loader server stopped without an end frame")
        kind = frame[0]
        if kind == "batch":
            _, step, tokens, doc_start, state = frame
            return Batch(step, tokens, doc_start, state)
        if kind == "end":
            self._done = True
            self.close()
            raise StopIteration
        if kind == "error":
            self._fail(frame[1])
        self._fail(f"unexpected {kind} frame")

    def close(self):
        if self._sock is not None:
            self._sock.close()
            self._sock = None
        if self._proc is not None:
            proc, self._proc = self._proc, None
            if proc.poll() is None:
                proc.terminate()
            try:
                proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait()
            if proc.stdout is not None:
                proc.stdout.close()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()

    def __del__(self):
        try:
            self.close()
        except Exception:
            pass
