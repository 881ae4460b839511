"""sluice_loader: the Python side of sluice's dataloader.

`sluice loader serve` (TypeScript) reads a tokenized sluice dataset and streams batches as
binary frames (src/loader/FORMAT.md). This package starts that server or connects to its Unix
socket and hands the batches to numpy or PyTorch, so a trainer gets exactly the batches the
TypeScript loader produces for the same dataset, seed, rank and resume point.

    from sluice_loader import SluiceDataset
    ds = SluiceDataset("out/default", seq_len=1024, batch=8, rank=rank, world=world, seed=0)
    for x, y in ds:          # int32 tensors [batch, seq_len]; targets are inputs shifted by one
        ...
    ds.state_dict()          # a few integers; load_state_dict() resumes exactly there
"""

from .client import Batch, LoaderClient, LoaderError, default_command

__all__ = ["Batch", "LoaderClient", "LoaderError", "default_command", "SluiceDataset"]


def __getattr__(name):
    # torch is imported only when the torch dataset is asked for
    if name == "SluiceDataset":
        from .dataset import SluiceDataset

        return SluiceDataset
    raise AttributeError(name)
