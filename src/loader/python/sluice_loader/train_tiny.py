"""Reference training loop: a tiny causal transformer trained on a sluice dataset through
SluiceDataset, with the data position checkpointed beside the model.

    python3 -m sluice_loader.train_tiny --dataset out/default --steps 200
    python3 -m sluice_loader.train_tiny --dataset out/default --steps 400 --checkpoint ckpt.pt   # resumes if ckpt.pt exists

Runs on CUDA when present (--device cpu to force the CPU). Prints a JSON line every
--log-every steps and a summary line at the end: {"summary": true, "first_loss", "last_loss", ...}.
"""

import argparse
import json
import math
import os
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

from .dataset import SluiceDataset


class Block(nn.Module):
    def __init__(self, d, heads):
        super().__init__()
        self.heads = heads
        self.ln1 = nn.LayerNorm(d)
        self.qkv = nn.Linear(d, 3 * d)
        self.proj = nn.Linear(d, d)
        self.ln2 = nn.LayerNorm(d)
        self.mlp = nn.Sequential(nn.Linear(d, 4 * d), nn.GELU(), nn.Linear(4 * d, d))

    def forward(self, x, mask):
        b, t, d = x.shape
        q, k, v = self.qkv(self.ln1(x)).split(d, dim=2)
        q, k, v = (z.view(b, t, self.heads, d // self.heads).transpose(1, 2) for z in (q, k, v))
        att = (q @ k.transpose(-2, -1)) / math.sqrt(d // self.heads)
        att = att.masked_fill(mask[:t, :t], float("-inf")).softmax(dim=-1)
        y = (att @ v).transpose(1, 2).reshape(b, t, d)
        x = x + self.proj(y)
        return x + self.mlp(self.ln2(x))


class TinyGPT(nn.Module):
    def __init__(self, vocab, seq_len, d=64, layers=2, heads=4):
        super().__init__()
        self.tok = nn.Embedding(vocab, d)
        self.pos = nn.Embedding(seq_len, d)
        self.blocks = nn.ModuleList(Block(d, heads) for _ in range(layers))
        self.ln = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.tok.weight
        self.apply(self._init)
        self.register_buffer("mask", torch.triu(torch.ones(seq_len, seq_len, dtype=torch.bool), diagonal=1), persistent=False)

    @staticmethod
    def _init(m):
        # GPT-2's initialisation: small weights keep the first loss near ln(vocab)
        if isinstance(m, (nn.Linear, nn.Embedding)):
            nn.init.normal_(m.weight, std=0.02)
        if isinstance(m, nn.Linear) and m.bias is not None:
            nn.init.zeros_(m.bias)

    def forward(self, idx, targets):
        t = idx.shape[1]
        x = self.tok(idx) + self.pos(torch.arange(t, device=idx.device))
        for block in self.blocks:
            x = block(x, self.mask)
        logits = self.head(self.ln(x))
        return F.cross_entropy(logits.view(-1, logits.size(-1)), targets.reshape(-1))


def main(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--dataset", required=True)
    p.add_argument("--steps", type=int, default=200)
    p.add_argument("--seq-len", type=int, default=64)
    p.add_argument("--batch", type=int, default=8)
    p.add_argument("--lr", type=float, default=3e-3)
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--rank", type=int, default=0)
    p.add_argument("--world", type=int, default=1)
    p.add_argument("--device", default="cuda" if torch.cuda.is_available() else "cpu")
    p.add_argument("--checkpoint", help="save model, optimizer and data position here at the end; resume from it if it exists")
    p.add_argument("--log-every", type=int, default=20)
    args = p.parse_args(argv)

    torch.manual_seed(args.seed)
    device = torch.device(args.device)
    data = SluiceDataset(args.dataset, seq_len=args.seq_len, batch=args.batch, rank=args.rank, world=args.world, seed=args.seed)
    vocab = data.info["vocab_size"]
    model = TinyGPT(vocab, args.seq_len).to(device)
    opt = torch.optim.AdamW(model.parameters(), lr=args.lr, weight_decay=0.01)
    step = 0
    if args.checkpoint and os.path.exists(args.checkpoint):
        ckpt = torch.load(args.checkpoint, map_location=device)
        model.load_state_dict(ckpt["model"])
        opt.load_state_dict(ckpt["optim"])
        data.load_state_dict(ckpt["data"])
        step = ckpt["step"]

    warmup = max(1, args.steps // 10)
    losses = []
    tokens = 0
    started = time.time()
    for x, y in data if step < args.steps else ():
        for g in opt.param_groups:
            g["lr"] = args.lr * min(1.0, (step + 1) / warmup)
        loss = model(x.to(device, non_blocking=True).long(), y.to(device, non_blocking=True).long())
        opt.zero_grad(set_to_none=True)
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        losses.append(loss.item())
        tokens += x.numel()
        step += 1
        if step % args.log_every == 0 or step == args.steps:
            print(json.dumps({"step": step, "loss": round(losses[-1], 4), "data": data.state_dict()["step"]}), flush=True)
        if step >= args.steps:
            break  # before pulling another batch, so the saved data position is the next unseen one
    data.close()
    if args.checkpoint:
        torch.save({"model": model.state_dict(), "optim": opt.state_dict(), "data": data.state_dict(), "step": step}, args.checkpoint)
    k = max(1, min(10, len(losses) // 4))
    summary = {
        "summary": True,
        "steps": len(losses),
        "device": str(device),
        "vocab_size": vocab,
        "first_loss": sum(losses[:k]) / k,
        "last_loss": sum(losses[-k:]) / k,
        "tokens_per_s": tokens / max(time.time() - started, 1e-9),
    }
    print(json.dumps(summary), flush=True)
    return summary


if __name__ == "__main__":
    main()
