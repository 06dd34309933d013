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


class TwinConvNet(nn.Module):
    """The torch twin of the Keras model in scenarios_ecosystem.py (Conv2D → BatchNormalization → DepthwiseConv2D →
    GlobalAveragePooling2D → Dense): same function on NCHW inputs (Keras: NHWC), BatchNorm with Keras' epsilon."""

    def __init__(self):
        super().__init__()
        self.conv = nn.Conv2d(3, 4, 3)
        self.bn = nn.BatchNorm2d(4, eps=1e-3)
        self.depthwise = nn.Conv2d(4, 8, 3, groups=4)
        self.fc = nn.Linear(8, 5)

    def forward(self, x):
        h = self.bn(self.conv(x)).relu()
        return self.fc(self.depthwise(h).relu().mean((2, 3)))


class TwinSeqNet(nn.Module):
    """The torch twin of the Keras Embedding → LSTM → GRU (reset_after=True) → Dense model in scenarios_ecosystem.py."""

    def __init__(self):
        super().__init__()
        self.embed = nn.Embedding(20, 6)
        self.lstm = nn.LSTM(6, 7, batch_first=True)
        self.gru = nn.GRU(7, 5, batch_first=True)
        self.fc = nn.Linear(5, 3)

    def forward(self, tokens):
        h, _ = self.lstm(self.embed(tokens))
        _, last = self.gru(h)
        return self.fc(last[0])


class TwinAttnNet(nn.Module):
    """The torch twin of the Keras MultiHeadAttention → GlobalAveragePooling1D → Dense model in scenarios_ecosystem.py."""

    def __init__(self):
        super().__init__()
        self.attn = nn.MultiheadAttention(8, 2, batch_first=True)
        self.fc = nn.Linear(8, 3)

    def forward(self, x):
        return self.fc(self.attn(x, x, x, need_weights=False)[0].mean(1))


MODELS = {c.__name__: c for c in [SmallCnn, WideCnn, TinyLm, TinyLmDeeper, TwinConvNet, TwinSeqNet, TwinAttnNet]}
