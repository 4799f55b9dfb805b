"""Plain-PyTorch (eager) reference of URL-SOM (N. Kermiche, "Self-Organizing Representation Learning").

The same network as the Java/DJL model (model/src/main/java/io/vitsom/model/urlsom/), written against plain
``torch`` only, as the eager-PyTorch baseline of ``vitsom bench-step`` and to check the Java forward pass
(check_url_som.py):

  ResNet-20 backbone (ELU instead of ReLU; widths 16/48/256; a stem conv3x3-BN-ELU, then 3 stages of 3
  BasicBlocks, stride 2 at the first block of stages 2 and 3; convolutions without bias; a BasicBlock is
  conv3x3-BN-ELU-conv3x3-BN plus the shortcut (1x1 conv + BN where the shape changes), ELU after the add)
  -> global average pooling -> [dropout] -> Linear(256, rows*cols) with bias -> [N, 1, rows, cols] -> FIXED
  kernel (2-D Gaussian or Student-t, normalised to sum 1, zero 'same' padding) -> flatten -> softmax.

Training step (as UrlSomTrainer): both pre-augmented views in ONE training-mode forward pass of 2N images (the
batch norms see both), softmax, the seed's TensorFlow loss (section IV listing, translated line by line in
``compute_loss``), backward, one Adam step with L2 decay ``projection_l2`` added to the gradient of
``projection.weight`` only (torch.optim.Adam's coupled weight_decay; eps 1e-8), and the step's BMUs (argmax and
second unit of the pair's mean probabilities). Batch norm: epsilon 1e-5, running statistics 0.9 old + 0.1 batch
(PyTorch's defaults, as the Java model).

The model is described by a small JSON "spec" (the Java side writes it from the YAML config, see README.md):
  {"in_channels": 3, "input_size": 32, "widths": [16, 48, 256], "blocks_per_stage": 3, "activation": "elu",
   "map_rows": 30, "map_cols": 30, "kernel": {"type": "gaussian", "sigma": 5.0}
   (or {"type": "student_t", "scale": 18.0, "size": 59}), "projection_dropout": 0.0, "projection_l2": 5e-4,
   "gamma": 2.0, "lr": 1e-3, "beta_1": 0.9, "beta_2": 0.999}

Parameter and buffer names are the Java model's ``namedParameters()`` (a checkpoint's params/*.npy), exactly:
  backbone.stem.conv.weight, backbone.stem.bn.{gamma,beta,running_mean,running_var},
  backbone.stage{1,2,3}.block{0,1,2}.{conv1,conv2}.weight, ....{bn1,bn2}.{gamma,beta,running_mean,running_var},
  backbone.stage{2,3}.block0.shortcut.conv.weight, backbone.stage{2,3}.block0.shortcut.bn.{...},
  projection.weight [rows*cols, 256], projection.bias [rows*cols]
(trainable: the weights, gamma, beta and the projection; the running statistics are buffers.)
"""

import math

import torch
import torch.nn as nn
import torch.nn.functional as F

DEFAULT_SPEC = {
    "in_channels": 3, "input_size": 32, "widths": [16, 48, 256], "blocks_per_stage": 3, "activation": "elu",
    "map_rows": 30, "map_cols": 30, "kernel": {"type": "gaussian", "sigma": 5.0}, "projection_dropout": 0.0,
    "projection_l2": 5e-4, "gamma": 2.0, "lr": 1e-3, "beta_1": 0.9, "beta_2": 0.999,
}
BN_EPS = 1e-5
BN_MOMENTUM = 0.1  # PyTorch's convention: weight of the batch statistic (DJL's momentum 0.9)
ADAM_EPS = 1e-8


def full_spec(spec):
    """DEFAULT_SPEC overridden by the keys ``spec`` sets."""
    out = dict(DEFAULT_SPEC)
    out.update({k: v for k, v in spec.items() if v is not None})
    return out


# --------------------------------------------------------------------------------------------------
# Fixed map kernel
# --------------------------------------------------------------------------------------------------

def gaussian_kernel(sigma):
    """exp(-(x^2+y^2) / (2 sigma^2)) on a side = smallest odd integer >= 6 sigma, normalised to sum 1."""
    side = int(math.ceil(6 * sigma))
    if side % 2 == 0:
        side += 1
    return _radial(side, lambda d2: torch.exp(-d2 / (2 * sigma * sigma)))


def student_t_kernel(scale, size):
    """1 / (1 + (x^2+y^2) / scale) on an odd ``size`` x ``size`` square, normalised to sum 1."""
    if size % 2 == 0:
        raise ValueError(f"student_t kernel size must be odd, got {size}")
    return _radial(size, lambda d2: 1.0 / (1.0 + d2 / scale))


def _radial(side, profile):
    half = side // 2
    r = torch.arange(side, dtype=torch.float64) - half
    d2 = r.view(-1, 1) ** 2 + r.view(1, -1) ** 2
    k = profile(d2)
    return (k / k.sum()).float().view(1, 1, side, side)


def make_kernel(kernel_spec):
    kind = kernel_spec.get("type", "gaussian")
    if kind == "gaussian":
        return gaussian_kernel(float(kernel_spec["sigma"]))
    if kind in ("student_t", "student-t", "t"):
        return student_t_kernel(float(kernel_spec["scale"]), int(kernel_spec["size"]))
    raise ValueError(f"unknown kernel type {kind!r} (expected gaussian or student_t)")


# --------------------------------------------------------------------------------------------------
# ResNet-20 with ELU
# --------------------------------------------------------------------------------------------------

class BatchNorm(nn.Module):
    """nn.BatchNorm2d under the Java names: gamma, beta (trained), running_mean, running_var (buffers)."""

    def __init__(self, channels):
        super().__init__()
        self.gamma = nn.Parameter(torch.ones(channels))
        self.beta = nn.Parameter(torch.zeros(channels))
        self.register_buffer("running_mean", torch.zeros(channels))
        self.register_buffer("running_var", torch.ones(channels))

    def forward(self, x):
        return F.batch_norm(x, self.running_mean, self.running_var, self.gamma, self.beta, self.training,
                            BN_MOMENTUM, BN_EPS)


class ConvBn(nn.Module):
    """A bias-free k x k convolution (padding k // 2) and a batch norm: the stem and the shortcut."""

    def __init__(self, cin, cout, k, stride):
        super().__init__()
        self.conv = nn.Conv2d(cin, cout, k, stride=stride, padding=k // 2, bias=False)
        self.bn = BatchNorm(cout)

    def forward(self, x):
        return self.bn(self.conv(x))


class BasicBlock(nn.Module):
    def __init__(self, cin, cout, stride, act):
        super().__init__()
        self.act = act
        self.conv1 = nn.Conv2d(cin, cout, 3, stride=stride, padding=1, bias=False)
        self.bn1 = BatchNorm(cout)
        self.conv2 = nn.Conv2d(cout, cout, 3, stride=1, padding=1, bias=False)
        self.bn2 = BatchNorm(cout)
        self.shortcut = ConvBn(cin, cout, 1, stride) if stride != 1 or cin != cout else None

    def forward(self, x):
        out = self.act(self.bn1(self.conv1(x)))
        out = self.bn2(self.conv2(out))
        return self.act(out + (x if self.shortcut is None else self.shortcut(x)))


class Stage(nn.Module):
    """block0, block1, ... (attributes, so the names read stage1.block0.conv1.weight)."""

    def __init__(self, blocks):
        super().__init__()
        self.count = len(blocks)
        for b, block in enumerate(blocks):
            setattr(self, f"block{b}", block)

    def forward(self, x):
        for b in range(self.count):
            x = getattr(self, f"block{b}")(x)
        return x


class ResNetBackbone(nn.Module):
    """Stem conv3x3-BN-act, one Stage of BasicBlocks per width (stride 2 at every stage after the first),
    global average pooling."""

    def __init__(self, in_channels, widths, blocks_per_stage, activation="elu"):
        super().__init__()
        if activation not in ("elu", "relu"):
            raise ValueError(f"activation must be elu or relu, got {activation!r}")
        self.act = F.elu if activation == "elu" else F.relu
        self.stem = ConvBn(in_channels, widths[0], 3, 1)
        cin = widths[0]
        for s, width in enumerate(widths):
            blocks = []
            for b in range(blocks_per_stage):
                blocks.append(BasicBlock(cin, width, 2 if (s > 0 and b == 0) else 1, self.act))
                cin = width
            setattr(self, f"stage{s + 1}", Stage(blocks))
        self.stages = len(widths)
        self.out_features = cin
        # He-normal (fan_in) as the Java model; replaced by the Java parameters in check_url_som.py.
        for m in self.modules():
            if isinstance(m, nn.Conv2d):
                nn.init.kaiming_normal_(m.weight, mode="fan_in", nonlinearity="relu")

    def forward(self, x):
        x = self.act(self.stem(x))
        for s in range(self.stages):
            x = getattr(self, f"stage{s + 1}")(x)
        return x.mean(dim=(2, 3))  # global average pooling ([N, 256, 8, 8] -> [N, 256] at 32x32)


class UrlSom(nn.Module):
    def __init__(self, spec):
        super().__init__()
        spec = full_spec(spec)
        self.spec = spec
        self.rows, self.cols = int(spec["map_rows"]), int(spec["map_cols"])
        self.backbone = ResNetBackbone(int(spec["in_channels"]), [int(w) for w in spec["widths"]],
                                       int(spec["blocks_per_stage"]), spec["activation"])
        self.dropout = float(spec["projection_dropout"])
        self.projection = nn.Linear(self.backbone.out_features, self.rows * self.cols, bias=True)
        # Fixed: a buffer, never trained, not in the state dict.
        self.register_buffer("kernel", make_kernel(spec["kernel"]), persistent=False)

    def logits(self, x):
        """The map's activations v after the fixed kernel, [N, rows*cols] (softmax gives p)."""
        f = self.backbone(x)
        if self.dropout > 0:
            f = F.dropout(f, self.dropout, self.training)
        z = self.projection(f).view(-1, 1, self.rows, self.cols)
        pad = (self.kernel.shape[-1] - 1) // 2
        return F.conv2d(z, self.kernel, padding=pad).flatten(1)

    def forward(self, x):
        return torch.softmax(self.logits(x), dim=1)

    @torch.no_grad()
    def assign(self, x):
        """Inference path: BMU (argmax of p), its distance 1 - max p, and the second-best unit."""
        top = torch.topk(self(x), 2, dim=1)
        return top.indices[:, 0], 1 - top.values[:, 0], top.indices[:, 1]


# --------------------------------------------------------------------------------------------------
# Loss: the seed's TensorFlow listing, translated
# --------------------------------------------------------------------------------------------------

def l2_normalize(x, dim):
    """tf.math.l2_normalize: x / sqrt(max(sum(x^2), 1e-12))."""
    return x * torch.rsqrt(torch.clamp((x * x).sum(dim=dim, keepdim=True), min=1e-12))


def compute_loss(p, z, gamma):
    """URL-SOM loss of two softmax outputs p, z [N, n] of the two views; returns (loss, wta, collapse, sim)."""
    n = p.shape[1]
    const_vector_u = l2_normalize(torch.ones(1, n, dtype=p.dtype), dim=1)
    p_l2 = l2_normalize(p, dim=1)
    z_l2 = l2_normalize(z, dim=1)
    p_z_mean = torch.mean((p_l2 + z_l2) / 2, dim=0, keepdim=True)
    p_z_mean_l2 = l2_normalize(p_z_mean, dim=1)
    loss_collapse = 1 - torch.mean(torch.sum(p_z_mean_l2 * const_vector_u, dim=1))
    loss_wta = torch.mean(torch.sum(p_z_mean * const_vector_u, dim=1))
    loss_similarity = 1 - torch.mean(torch.sum(p_l2 * z_l2, dim=1))
    loss = loss_collapse + loss_wta + gamma * loss_similarity
    return loss, loss_wta, loss_collapse, loss_similarity


# --------------------------------------------------------------------------------------------------
# Optimisation
# --------------------------------------------------------------------------------------------------

def make_optimizer(model, lr=None):
    """Adam; L2 decay projection_l2 in the gradient of projection.weight, none elsewhere."""
    spec = model.spec
    decayed = [p for n, p in model.named_parameters() if n == "projection.weight"]
    rest = [p for n, p in model.named_parameters() if n != "projection.weight"]
    return torch.optim.Adam([{"params": rest, "weight_decay": 0.0},
                             {"params": decayed, "weight_decay": float(spec["projection_l2"])}],
                            lr=float(spec["lr"] if lr is None else lr),
                            betas=(float(spec["beta_1"]), float(spec["beta_2"])), eps=ADAM_EPS)


def train_step(model, optimizer, view_a, view_b, gamma=None):
    """One step on two pre-augmented views [N, C, H, W]: one forward pass of both (2N images), loss,
    backward, Adam step, zero_grad, and the step's BMUs. Returns the loss terms as python floats and the
    BMUs / second units / distances under 'bmu', 'second', 'distance'."""
    model.train()
    n = view_a.shape[0]
    gamma = float(model.spec["gamma"] if gamma is None else gamma)
    probs = model(torch.cat([view_a, view_b], dim=0))
    p, z = probs[:n], probs[n:]
    loss, wta, collapse, sim = compute_loss(p, z, gamma)
    loss.backward()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    with torch.no_grad():
        top = torch.topk((p + z) / 2, 2, dim=1)
    return {"total_loss": loss.item(), "wta": wta.item(), "collapse": collapse.item(), "similarity": sim.item(),
            "bmu": top.indices[:, 0], "second": top.indices[:, 1], "distance": 1 - top.values[:, 0]}


def count_parameters(model):
    trainable = {n: p.numel() for n, p in model.named_parameters() if p.requires_grad}
    return {"total": sum(trainable.values()),
            "backbone": sum(v for n, v in trainable.items() if n.startswith("backbone.")),
            "projection": sum(v for n, v in trainable.items() if n.startswith("projection."))}


def state_keys(model):
    """Parameter and buffer names: the Java model's namedParameters()."""
    return list(model.state_dict())


if __name__ == "__main__":
    m = UrlSom({})
    c = count_parameters(m)
    print(f"URL-SOM (CIFAR-10 spec): {c['total']:,} trainable parameters "
          f"(backbone {c['backbone']:,}, projection {c['projection']:,}); kernel {tuple(m.kernel.shape)}; "
          f"{len(state_keys(m))} named tensors")
