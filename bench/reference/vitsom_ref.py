"""Plain-PyTorch reference of ViT-SOM (Luo & Yuan, "Simple Self-Organizing Map with Visual Transformer").

Our own re-statement of the original implementation (MAE-style ViT autoencoder without masking + a SOM
layer over the encoder tokens), written against plain ``torch`` only (no timm, no lightning) so that the
Java/DJL implementation can be checked against it number for number.  See docs/REFERENCE.md section 1.

State-dict keys (exactly):
  vit.cls_token, vit.pos_embed, vit.patch_embed.proj.weight|bias,
  vit.blocks.{i}.norm1|attn.qkv|attn.proj|norm2|mlp.0|mlp.2 .weight|bias, vit.norm.weight|bias,
  vit.decoder_embed.weight|bias, vit.decoder_pos_embed, vit.decoder_blocks.{i}.(as blocks),
  vit.decoder_norm.weight|bias, vit.decoder_pred.weight|bias, som_layer.prototypes,
  cls_head.weight|bias (only when num_classes > 0).
"""

import math

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F


# --------------------------------------------------------------------------------------------------
# MAE 2-D sin-cos position embedding (numpy float64, converted to float32 by the caller)
# --------------------------------------------------------------------------------------------------

def get_1d_sincos_pos_embed_from_grid(embed_dim, pos):
    assert embed_dim % 2 == 0
    omega = np.arange(embed_dim // 2, dtype=np.float64)
    omega /= embed_dim / 2.0
    omega = 1.0 / 10000 ** omega  # (D/2,)
    pos = pos.reshape(-1)  # (M,)
    out = np.einsum("m,d->md", pos, omega)  # (M, D/2)
    return np.concatenate([np.sin(out), np.cos(out)], axis=1)  # (M, D)


def get_2d_sincos_pos_embed_from_grid(embed_dim, grid):
    assert embed_dim % 2 == 0
    emb_h = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[0])
    emb_w = get_1d_sincos_pos_embed_from_grid(embed_dim // 2, grid[1])
    return np.concatenate([emb_h, emb_w], axis=1)


def get_2d_sincos_pos_embed(embed_dim, grid_size, cls_token=False):
    grid_h = np.arange(grid_size, dtype=np.float32)
    grid_w = np.arange(grid_size, dtype=np.float32)
    grid = np.meshgrid(grid_w, grid_h)  # w goes first
    grid = np.stack(grid, axis=0).reshape([2, 1, grid_size, grid_size])
    pos_embed = get_2d_sincos_pos_embed_from_grid(embed_dim, grid)
    if cls_token:
        pos_embed = np.concatenate([np.zeros([1, embed_dim]), pos_embed], axis=0)
    return pos_embed


# --------------------------------------------------------------------------------------------------
# Transformer pieces
# --------------------------------------------------------------------------------------------------

class Attention(nn.Module):
    def __init__(self, dim, heads):
        super().__init__()
        assert dim % heads == 0, f"dim {dim} not divisible by heads {heads}"
        self.heads = heads
        self.head_dim = dim // heads
        self.scale = self.head_dim ** -0.5
        self.qkv = nn.Linear(dim, dim * 3, bias=True)
        self.proj = nn.Linear(dim, dim)

    def forward(self, x):
        b, n, c = x.shape
        qkv = self.qkv(x).reshape(b, n, 3, self.heads, c // self.heads).permute(2, 0, 3, 1, 4)
        q, k, v = qkv[0], qkv[1], qkv[2]
        attn = (q @ k.transpose(-2, -1)) * self.scale
        attn = attn.softmax(dim=-1)
        return self.proj((attn @ v).transpose(1, 2).reshape(b, n, c))


class Block(nn.Module):
    def __init__(self, dim, heads, mlp_ratio):
        super().__init__()
        hidden = int(dim * mlp_ratio)
        self.norm1 = nn.LayerNorm(dim, eps=1e-6)
        self.attn = Attention(dim, heads)
        self.norm2 = nn.LayerNorm(dim, eps=1e-6)
        self.mlp = nn.Sequential(nn.Linear(dim, hidden), nn.GELU(), nn.Linear(hidden, dim), nn.Dropout(0.0))

    def forward(self, x):
        x = x + self.attn(self.norm1(x))
        return x + self.mlp(self.norm2(x))


class PatchEmbed(nn.Module):
    def __init__(self, in_chans, dim, patch):
        super().__init__()
        self.proj = nn.Conv2d(in_chans, dim, kernel_size=patch, stride=patch, bias=True)

    def forward(self, x):
        return self.proj(x).flatten(2).transpose(1, 2)  # [B, L, D]


class ViTAutoencoder(nn.Module):
    """MAE-style encoder/decoder without masking."""

    def __init__(self, input_size, in_chans, patch, dim, depth, dec_dim, dec_depth, heads, mlp_ratio):
        super().__init__()
        assert input_size % patch == 0, "input size must be a multiple of the patch size"
        self.patch = patch
        self.in_chans = in_chans
        self.grid = input_size // patch
        num_patches = self.grid * self.grid

        self.patch_embed = PatchEmbed(in_chans, dim, patch)
        self.cls_token = nn.Parameter(torch.zeros(1, 1, dim))
        self.pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, dim), requires_grad=False)
        self.blocks = nn.ModuleList([Block(dim, heads, mlp_ratio) for _ in range(depth)])
        self.norm = nn.LayerNorm(dim, eps=1e-6)

        self.decoder_embed = nn.Linear(dim, dec_dim, bias=True)
        self.decoder_pos_embed = nn.Parameter(torch.zeros(1, num_patches + 1, dec_dim), requires_grad=False)
        self.decoder_blocks = nn.ModuleList([Block(dec_dim, heads, mlp_ratio) for _ in range(dec_depth)])
        self.decoder_norm = nn.LayerNorm(dec_dim, eps=1e-6)
        self.decoder_pred = nn.Linear(dec_dim, patch * patch * in_chans, bias=True)
        self.initialize_weights()

    def initialize_weights(self):
        pe = get_2d_sincos_pos_embed(self.pos_embed.shape[-1], self.grid, cls_token=True)
        self.pos_embed.data.copy_(torch.from_numpy(pe).float().unsqueeze(0))
        dpe = get_2d_sincos_pos_embed(self.decoder_pos_embed.shape[-1], self.grid, cls_token=True)
        self.decoder_pos_embed.data.copy_(torch.from_numpy(dpe).float().unsqueeze(0))
        w = self.patch_embed.proj.weight.data
        nn.init.xavier_uniform_(w.view([w.shape[0], -1]))  # conv bias keeps PyTorch's default init
        nn.init.normal_(self.cls_token, std=0.02)
        self.apply(self._init_weights)

    @staticmethod
    def _init_weights(m):
        if isinstance(m, nn.Linear):
            nn.init.xavier_uniform_(m.weight)
            if m.bias is not None:
                nn.init.constant_(m.bias, 0)
        elif isinstance(m, nn.LayerNorm):
            nn.init.constant_(m.bias, 0)
            nn.init.constant_(m.weight, 1.0)

    def forward_encoder(self, x):
        x = self.patch_embed(x) + self.pos_embed[:, 1:, :]
        cls = (self.cls_token + self.pos_embed[:, :1, :]).expand(x.shape[0], -1, -1)
        x = torch.cat((cls, x), dim=1)
        for blk in self.blocks:
            x = blk(x)
        return self.norm(x)

    def forward_decoder(self, latent):
        x = self.decoder_embed(latent) + self.decoder_pos_embed
        for blk in self.decoder_blocks:
            x = blk(x)
        x = self.decoder_pred(self.decoder_norm(x))
        return self.unpatchify(x[:, 1:, :])

    def unpatchify(self, x):
        p, c, h = self.patch, self.in_chans, self.grid
        w = h
        x = x.reshape(x.shape[0], h, w, p, p, c)
        x = torch.einsum("nhwpqc->nchpwq", x)
        return x.reshape(x.shape[0], c, h * p, w * p)


# --------------------------------------------------------------------------------------------------
# SOM
# --------------------------------------------------------------------------------------------------

def grid_positions(rows, cols, topology):
    """Unit k sits at row k // cols, column k % cols; returns float32 [units, 2]."""
    pos = []
    for k in range(rows * cols):
        r, c = divmod(k, cols)
        if topology == "square":
            pos.append((float(r), float(c)))
        elif topology in ("hexa", "hexagonal"):
            pos.append((c + 0.5 if r % 2 == 1 else float(c), r * math.sqrt(3) / 2))
        else:
            raise ValueError(f"unknown topology {topology!r} (expected square or hexa)")
    return torch.tensor(pos, dtype=torch.float32)


class SOMLayer(nn.Module):
    def __init__(self, rows, cols, dim, distance_fcn="cosine", topology="square"):
        super().__init__()
        if distance_fcn not in ("cosine", "euclidean", "manhattan"):
            raise ValueError(f"unknown distance_fcn {distance_fcn!r}")
        self.rows, self.cols, self.dim = rows, cols, dim
        self.distance_fcn = distance_fcn
        self.topology = topology
        w = torch.rand(rows * cols, dim)
        if distance_fcn == "cosine":
            w = F.normalize(w, p=2, dim=1)
        self.prototypes = nn.Parameter(w)
        self.register_buffer("positions", grid_positions(rows, cols, topology), persistent=False)

    def distances(self, x):
        if self.distance_fcn == "cosine":
            return 1 - F.normalize(x, p=2, dim=1, eps=1e-12) @ F.normalize(self.prototypes, p=2, dim=1, eps=1e-12).t()
        if self.distance_fcn == "euclidean":
            return torch.cdist(x, self.prototypes, p=2)
        return torch.cdist(x, self.prototypes, p=1)

    def neighbourhood(self, bmu, temperature):
        d2 = ((self.positions.unsqueeze(0) - self.positions[bmu].unsqueeze(1)) ** 2).sum(-1)  # [B, units]
        return torch.exp(-d2 / (2 * temperature ** 2))

    def forward(self, x):
        d = self.distances(x)
        return d, torch.argmin(d, dim=1)


# --------------------------------------------------------------------------------------------------
# Full model
# --------------------------------------------------------------------------------------------------

class ViTSOM(nn.Module):
    def __init__(self, config):
        super().__init__()
        hp = config["hyperparameters"]
        vc, sc, data = hp["vit"], hp["som"], config["data"]
        self.config = config
        self.num_classes = int(data.get("num_classes", 0) or 0)
        self.use_reduced = bool(sc.get("use_reduced", False))
        input_size = int(data["input_size"])
        patch = int(vc["patch_size"])
        dim = int(vc["emb_dim"])
        self.vit = ViTAutoencoder(input_size, int(data["num_channels"]), patch, dim, int(vc["depth"]),
                                  int(vc["dec_emb_dim"]), int(vc["dec_depth"]), int(vc["heads"]),
                                  float(vc.get("mlp_ratio", 4)))
        ms = sc["map_size"]
        rows, cols = (int(ms), int(ms)) if isinstance(ms, (int, float)) else (int(ms[0]), int(ms[1]))
        som_dim = dim if self.use_reduced else (input_size // patch) ** 2 * dim
        self.som_layer = SOMLayer(rows, cols, som_dim, sc.get("distance_fcn", "cosine"),
                                  sc.get("topology", "square"))
        if self.num_classes > 0:
            self.cls_head = nn.Linear(dim, self.num_classes)
            nn.init.normal_(self.cls_head.weight, std=0.02)
            nn.init.constant_(self.cls_head.bias, 0)

    def forward(self, x):
        latent = self.vit.forward_encoder(x)
        cls_out, patches_out = latent[:, 0], latent[:, 1:]
        recon = self.vit.forward_decoder(latent)
        som_in = cls_out if self.use_reduced else patches_out.flatten(1)
        distances, bmu = self.som_layer(som_in)
        out = {"recon": recon, "cls_out": cls_out, "distances": distances, "bmu": bmu}
        if self.num_classes > 0:
            out["logits"] = self.cls_head(cls_out)
        return out

    @torch.no_grad()
    def infer_bmu(self, x):
        """Encoder + SOM distances + argmin (no decoder): the inference path."""
        latent = self.vit.forward_encoder(x)
        som_in = latent[:, 0] if self.use_reduced else latent[:, 1:].flatten(1)
        return torch.argmin(self.som_layer.distances(som_in), dim=1)


# --------------------------------------------------------------------------------------------------
# Optimisation
# --------------------------------------------------------------------------------------------------

def param_groups(model, weight_decay):
    """ViT 1-D -> wd 0; ViT >= 2-D -> wd; SOM prototypes + cls head -> AdamW default (0.01)."""
    no_decay, decay, other = [], [], []
    for name, p in model.named_parameters():
        if not p.requires_grad:
            continue
        if name.startswith("vit."):
            (no_decay if p.ndim == 1 else decay).append(p)
        else:
            other.append(p)
    return [{"params": no_decay, "weight_decay": 0.0},
            {"params": decay, "weight_decay": float(weight_decay)},
            {"params": other}]


def lr_factor(epoch, config):
    oc = config["hyperparameters"]["optimizer"]
    total_epochs = config["hyperparameters"]["total_epochs"]
    return max(oc["min_lr"], min((epoch + 1) / (oc["warmup_epochs"] + 1e-8),
                                 0.5 * (math.cos(epoch / total_epochs * math.pi) + 1)))


def base_lr(config):
    hp = config["hyperparameters"]
    return hp["optimizer"]["lr"] * hp["batch_size"] / 256


def make_optimizer(model, config, epoch=0):
    """AdamW with the reference's groups; lr already multiplied by the epoch's LambdaLR factor."""
    oc = config["hyperparameters"]["optimizer"]
    lr = base_lr(config) * lr_factor(epoch, config)
    return torch.optim.AdamW(param_groups(model, oc["weight_decay"]), lr=lr,
                             betas=(oc["beta_1"], oc["beta_2"]), eps=1e-8)


def temperature(config, iteration, total_iterations):
    sc = config["hyperparameters"]["som"]
    tmax, tmin = float(sc["Tmax"]), float(sc["Tmin"])
    return tmax * (tmin / tmax) ** (iteration / (total_iterations - 1))


def gamma_at(config, iteration, ramp_up_end_step):
    gamma = float(config["hyperparameters"]["gamma"])
    if ramp_up_end_step <= 0:
        return gamma
    return gamma * min(1.0, iteration / ramp_up_end_step)


def compute_loss(model, x, y, iteration, total_iterations, ramp_up_end_step):
    cfg = model.config
    out = model(x)
    t = temperature(cfg, iteration, total_iterations)
    g = gamma_at(cfg, iteration, ramp_up_end_step)
    weights = model.som_layer.neighbourhood(out["bmu"], t)
    som_loss = torch.mean(weights * out["distances"])
    terms = {"temperature": t, "gamma": g, "som_loss": som_loss, "recon_loss": None, "cls_loss": None}
    if model.num_classes > 0:
        smoothing = float(cfg["hyperparameters"]["optimizer"].get("smoothing", 0.0))
        cls_loss = nn.CrossEntropyLoss(label_smoothing=smoothing)(out["logits"], y)
        total = cls_loss + g * som_loss
        terms["cls_loss"] = cls_loss
    else:
        recon_loss = nn.L1Loss()(out["recon"], x)
        total = recon_loss + g * som_loss
        terms["recon_loss"] = recon_loss
    terms["total_loss"] = total
    return total, terms, out


def train_step(model, optimizer, x, y, iteration, total_iterations, ramp_up_end_step, grads_out=None):
    """One step: forward, loss, backward, AdamW step, zero_grad.

    Returns a dict of python floats (recon_loss / cls_loss None where not used, som_loss, total_loss,
    temperature, gamma) plus the detached pre-step outputs under 'outputs'. When grads_out is a dict, it
    receives every parameter's gradient before the update."""
    model.train()
    total, terms, out = compute_loss(model, x, y, iteration, total_iterations, ramp_up_end_step)
    total.backward()
    if grads_out is not None:
        for name, p in model.named_parameters():
            if p.grad is not None:
                grads_out[name] = p.grad.detach().clone()
    optimizer.step()
    optimizer.zero_grad(set_to_none=True)
    result = {k: (v.item() if torch.is_tensor(v) else v) for k, v in terms.items()}
    result["outputs"] = {k: v.detach() for k, v in out.items()}
    return result


def count_parameters(model):
    trainable = {n: p.numel() for n, p in model.named_parameters() if p.requires_grad}
    enc = sum(v for n, v in trainable.items() if n.startswith("vit.") and not n.startswith("vit.decoder"))
    dec = sum(v for n, v in trainable.items() if n.startswith("vit.decoder"))
    som = sum(v for n, v in trainable.items() if n.startswith("som_layer."))
    head = sum(v for n, v in trainable.items() if n.startswith("cls_head."))
    return {"total": sum(trainable.values()), "encoder": enc, "decoder": dec, "som": som, "cls_head": head}
