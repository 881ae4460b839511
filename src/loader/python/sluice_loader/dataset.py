"""A torch IterableDataset over `sluice loader serve`, with state_dict()/load_state_dict()."""

import torch
from torch.utils.data import IterableDataset, get_worker_info

from .client import LoaderClient, LoaderError, check_state


class SluiceDataset(IterableDataset):
    """Batches of a sluice dataset as int32 tensors: each item is (inputs, targets), both
    [batch, seq_len] views of one [batch, seq_len + 1] buffer; with doc_mask=True a third item,
    doc_start (uint8 [batch, seq_len + 1], 1 where a document starts), aligned with that buffer.

    Items are whole batches: iterate it directly, or wrap it in a DataLoader with
    batch_size=None and num_workers=0 (the server is already a separate process running ahead).
    `state_dict()` is the position after the last item yielded; save it with the model, and
    after `load_state_dict()` the next iteration continues exactly there.
    Options (keyword): mixture, shuffle_buffer, doc_mask, steps, verify, tokenizer_sha256,
    socket (connect to a running server instead of starting one), command.
    """

    def __init__(self, dataset=None, seq_len=None, batch=None, rank=0, world=1, seed=0, **options):
        super().__init__()
        self.config = dict(dataset=dataset, seq_len=seq_len, batch=batch, rank=rank, world=world, seed=seed, **options)
        self._state = None
        self._client = None
        self._fresh = False

    def _open(self):
        """A connected client positioned at self._state (started now, or the unused one from info)."""
        if self._client is None or not self._fresh:
            self.close()
            self._client = LoaderClient(resume=self._state, **self.config)
            self._fresh = True
            if self._state is None:
                self._state = self._client.hello["state"]
        return self._client

    @property
    def info(self):
        """The server's hello: vocab_size, eos_id, tokenizer, docs, tokens, state, ... (starts the server if needed)."""
        return self._open().hello

    @property
    def server_pid(self):
        return self._client.server_pid if self._client is not None else None

    def __iter__(self):
        worker = get_worker_info()
        if worker is not None and worker.num_workers > 1:
            raise LoaderError("SluiceDataset yields whole batches from one server per rank: use num_workers=0")
        client = self._open()
        self._fresh = False
        try:
            for b in client:
                t = torch.from_numpy(b.tokens)
                self._state = b.state
                if b.doc_start is None:
                    yield t[:, :-1], t[:, 1:]
                else:
                    yield t[:, :-1], t[:, 1:], torch.from_numpy(b.doc_start)
        finally:
            client.close()
            if self._client is client:
                self._client = None

    def state_dict(self):
        """A few integers: the data position after the last batch yielded."""
        if self._state is None:
            self._open()
        return dict(self._state)

    def load_state_dict(self, state):
        self.close()
        self._state = check_state(state)

    def close(self):
        if self._client is not None:
            self._client.close()
            self._client = None
        self._fresh = False
