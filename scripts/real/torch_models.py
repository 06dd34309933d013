"""The torch models of the `torch` scenarios (scenarios_torch.py): the consumer (consumer_torch.py) rebuilds the new
model by the class name the scenario records and loads Graft's output into it with load_state_dict(strict=True)."""
import torch.nn as nn


class SmallCnn(nn.Module):
    """The old model of torch-linear-widened: conv → batch norm → two Linear layers."""

    def __init__(self, hidden=8, mid=False):
        super().__init__()
        self.conv = nn.Conv2d(1, 4, 3)
        self.bn = nn.BatchNorm2d(4)
        self.fc1 = nn.Linear(4, hidden)
        self.mid = nn.Linear(hidden, hidden) if mid else None
        self.fc2 = nn.Linear(hidden, 3)

    def forward(self, x):
        h = self.bn(self.conv(x)).relu().mean((2, 3))
        h = self.fc1(h).relu()
        if self.mid is not None:
            h = self.mid(h).relu()
        return self.fc2(h)


class WideCnn(SmallCnn):
    """fc1 widened from 8 to 12 units, a Linear layer `mid` added after it."""

    def __init__(self):
        super().__init__(hidden=12, mid=True)


class TinyLm(nn.Module):
    """Embedding, one transformer block, a head tied to the embedding."""

    def __init__(self, vocab=20, d=8, extra_block=False):
        super().__init__()
        self.embed = nn.Embedding(vocab, d)
        self.blocks = nn.ModuleList([nn.TransformerEncoderLayer(d, 2, 16, batch_first=True) for _ in range(2 if extra_block else 1)])
        self.norm = nn.LayerNorm(d)
        self.head = nn.Linear(d, vocab, bias=False)
        self.head.weight = self.embed.weight


class TinyLmDeeper(TinyLm):
    """A second transformer block added."""

    def __init__(self):
        super().__init__(extra_block=True)


MODELS = {c.__name__: c for c in [SmallCnn, WideCnn, TinyLm, TinyLmDeeper]}
