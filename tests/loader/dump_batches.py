"""Test helper: pulls batches through sluice_loader and writes them raw, for byte comparison.

usage: dump_batches.py CONFIG_JSON OUT_PREFIX
CONFIG: {"mode": "client" | "torch", "steps": n, "split": k (torch: save state after k batches,
reload it into a fresh dataset, continue), "client": {LoaderClient / SluiceDataset kwargs}}
Writes OUT_PREFIX.bin (per batch: tokens int32 LE, then doc_start bytes if any) and
OUT_PREFIX.json ({"steps": [...], "states": [...], "hello": {...}}).
"""

import json
import sys

import numpy as np

from sluice_loader import LoaderClient


def main():
    cfg = json.loads(sys.argv[1])
    out = sys.argv[2]
    steps, states, hello = [], [], None
    with open(out + ".bin", "wb") as f:
        if cfg["mode"] == "client":
            with LoaderClient(**cfg["client"]) as client:
                hello = client.hello
                for i, b in enumerate(client):
                    assert b.tokens.dtype == np.int32 and b.tokens.flags["C_CONTIGUOUS"]
                    f.write(b.tokens.tobytes())
                    if b.doc_start is not None:
                        f.write(b.doc_start.tobytes())
                    steps.append(b.step)
                    states.append(b.state)
                    if i + 1 == cfg["steps"]:
                        break
        else:
            import torch
            from sluice_loader import SluiceDataset

            def pull(ds, n):
                got = 0
                for item in ds:
                    x, y = item[0], item[1]
                    assert x.dtype == torch.int32 and x.shape[1] == y.shape[1]
                    assert torch.equal(x[:, 1:], y[:, :-1])
                    full = torch.cat([x, y[:, -1:]], dim=1).contiguous()
                    f.write(full.numpy().tobytes())
                    if len(item) == 3:
                        f.write(item[2].numpy().tobytes())
                    states.append(ds.state_dict())
                    steps.append(states[-1]["step"] - 1)
                    got += 1
                    if got == n:
                        break

            first = SluiceDataset(**cfg["client"])
            hello = first.info
            pull(first, cfg["split"])
            saved = json.loads(json.dumps(first.state_dict()))  # as a checkpoint would store it
            first.close()
            second = SluiceDataset(**cfg["client"])
            second.load_state_dict(saved)
            pull(second, cfg["steps"] - cfg["split"])
            second.close()
    with open(out + ".json", "w") as f:
        json.dump({"steps": steps, "states": states, "hello": hello}, f)


if __name__ == "__main__":
    main()
