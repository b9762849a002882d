#!/usr/bin/env python3
"""The peer measurement for `bin/distill4j bench`: the same DeepLabV3P-ResNet_vd models and the same
steps, in plain PyTorch, timed the same way (median and 10th/90th percentile after warm-up).

Written for the PyTorch that Debian ships (python3-torch). Module paths are PaddleSeg's sublayer
names, so `paddle_state_dict` gives the keys of PaddleSeg's own `.pdparams` files, and
`--export_pdparams FILE` writes one (with an input and its logits) for distill4j's loading test. The models must have exactly the
parameter count distill4j reports for them (`bin/distill4j check --config ...`); the script
asserts it. Prints JSON shaped like `bin/distill4j bench --json`.

    /usr/bin/python3 bench/pytorch_reference.py --size 128 --batch_size 4 --steps 20
"""
import argparse
import contextlib
import json
import statistics
import sys
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Parameter counts distill4j reports for the two-class models (bin/distill4j check).
EXPECTED_PARAMETERS = {"ResNet18_vd": 12_361_138, "ResNet50_vd": 26_719_026}


class ConvBN(nn.Module):
    """ResNet_vd's ConvBNLayer: optional 2x2 average pool (vd shortcut), conv without bias, BN,
    optional ReLU. Attribute names are PaddleSeg's (`_pool2d_avg`, `_conv`, `_batch_norm`)."""

    def __init__(self, cin, cout, k, stride=1, dilation=1, relu=True, avg_pool=False):
        super().__init__()
        self.avg_pool = avg_pool
        self._pool2d_avg = nn.AvgPool2d(2, 2, ceil_mode=True, count_include_pad=False)
        pad = (k - 1) // 2 if dilation == 1 else dilation
        self._conv = nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation, bias=False)
        self._batch_norm = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.relu = relu

    def forward(self, x):
        if self.avg_pool:
            x = self._pool2d_avg(x)
        x = self._batch_norm(self._conv(x))
        return F.relu(x) if self.relu else x


class Basic(nn.Module):
    """PaddleSeg's BasicBlock: conv0, conv1 and, in a stage's first block, the projection `short`."""
    expansion = 1

    def __init__(self, cin, width, stride, dilation, project, first_of_net):
        super().__init__()
        self.conv0 = ConvBN(cin, width, 3, stride, dilation)
        self.conv1 = ConvBN(width, width, 3, 1, dilation, relu=False)
        if project:
            self.short = ConvBN(cin, width, 1, avg_pool=(not first_of_net and stride != 1), relu=False)

    def forward(self, x):
        s = self.short(x) if hasattr(self, "short") else x
        return F.relu(self.conv1(self.conv0(x)) + s)


class Bottleneck(nn.Module):
    """PaddleSeg's BottleneckBlock: conv0 (1x1), conv1 (3x3, stride and dilation), conv2 (1x1)."""
    expansion = 4

    def __init__(self, cin, width, stride, dilation, project, first_of_net):
        super().__init__()
        self.conv0 = ConvBN(cin, width, 1)
        self.conv1 = ConvBN(width, width, 3, stride, dilation)
        self.conv2 = ConvBN(width, width * 4, 1, relu=False)
        if project:
            self.short = ConvBN(cin, width * 4, 1, avg_pool=(not first_of_net and stride != 1), relu=False)

    def forward(self, x):
        s = self.short(x) if hasattr(self, "short") else x
        return F.relu(self.conv2(self.conv1(self.conv0(x))) + s)


class ResNetVd(nn.Module):
    """Stem conv1_1..conv1_3, then blocks registered as bb_<stage>_<block>, as PaddleSeg names them."""

    DEPTHS = {18: (Basic, [2, 2, 2, 2]), 34: (Basic, [3, 4, 6, 3]),
              50: (Bottleneck, [3, 4, 6, 3]), 101: (Bottleneck, [3, 4, 23, 3])}

    def __init__(self, depth, output_stride, multi_grid=(1, 2, 4)):
        super().__init__()
        kind, depths = self.DEPTHS[depth]
        self.conv1_1 = ConvBN(3, 32, 3, 2)
        self.conv1_2 = ConvBN(32, 32, 3)
        self.conv1_3 = ConvBN(32, 64, 3)
        dil = {8: [1, 1, 2, 4], 16: [1, 1, 1, 2]}[output_stride]
        self.stages = []
        cin = 64
        for s, n in enumerate(depths):
            width = 64 * 2 ** s
            names = []
            for i in range(n):
                d = dil[s] * (multi_grid[i] if s == 3 else 1)
                stride = 2 if (i == 0 and s != 0 and dil[s] == 1) else 1
                name = f"bb_{s}_{i}"
                self.add_module(name, kind(cin, width, stride, d, i == 0, s == 0 and i == 0))
                names.append(name)
                cin = width * kind.expansion
            self.stages.append(names)
        self.channels = [64 * 2 ** s * kind.expansion for s in range(4)]

    def forward(self, x):
        x = F.max_pool2d(self.conv1_3(self.conv1_2(self.conv1_1(x))), 3, 2, 1)
        feats = []
        for names in self.stages:
            for name in names:
                x = getattr(self, name)(x)
            feats.append(x)
        return feats


class ConvBNReLU(nn.Module):
    """PaddleSeg's layers.ConvBNReLU / ConvBN (`_conv` with a bias by default, `_batch_norm`)."""

    def __init__(self, cin, cout, k=1, dilation=1, groups=1, bias=True, relu=True):
        super().__init__()
        pad = dilation if k == 3 else 0
        self._conv = nn.Conv2d(cin, cout, k, padding=pad, dilation=dilation, groups=groups, bias=bias)
        self._batch_norm = nn.BatchNorm2d(cout)
        self.relu = relu

    def forward(self, x):
        x = self._batch_norm(self._conv(x))
        return F.relu(x) if self.relu else x


class SeparableConvBNReLU(nn.Module):
    """Depthwise 3x3 ConvBN, then pointwise ConvBNReLU, spelled `piontwise_conv` as in PaddleSeg."""

    def __init__(self, cin, cout, dilation=1):
        super().__init__()
        self.depthwise_conv = ConvBNReLU(cin, cin, 3, dilation, groups=cin, relu=False)
        self.piontwise_conv = ConvBNReLU(cin, cout)

    def forward(self, x):
        return self.piontwise_conv(self.depthwise_conv(x))


class ASPP(nn.Module):
    def __init__(self, ratios, cin, cout=256):
        super().__init__()
        self.aspp_blocks = nn.ModuleList(
            [ConvBNReLU(cin, cout) if r == 1 else SeparableConvBNReLU(cin, cout, r) for r in ratios])
        self.global_avg_pool = nn.Sequential(nn.AdaptiveAvgPool2d(1), ConvBNReLU(cin, cout, bias=False))
        self.conv_bn_relu = ConvBNReLU(cout * (len(ratios) + 1), cout)
        self.dropout = nn.Dropout(0.1)

    def forward(self, x):
        branches = [b(x) for b in self.aspp_blocks]
        pooled = self.global_avg_pool(x)
        branches.append(F.interpolate(pooled, x.shape[2:], mode="bilinear", align_corners=False))
        return self.dropout(self.conv_bn_relu(torch.cat(branches, 1)))


class Decoder(nn.Module):
    def __init__(self, num_classes, low_channels):
        super().__init__()
        self.conv_bn_relu1 = ConvBNReLU(low_channels, 48)
        self.conv_bn_relu2 = SeparableConvBNReLU(304, 256)
        self.conv_bn_relu3 = SeparableConvBNReLU(256, 256)
        self.conv = nn.Conv2d(256, num_classes, 1)

    def forward(self, x, low):
        x = F.interpolate(x, low.shape[2:], mode="bilinear", align_corners=False)
        x = torch.cat([x, self.conv_bn_relu1(low)], 1)
        return self.conv(self.conv_bn_relu3(self.conv_bn_relu2(x)))


class Head(nn.Module):
    def __init__(self, num_classes, channels, ratios):
        super().__init__()
        self.aspp = ASPP(ratios, channels[3])
        self.decoder = Decoder(num_classes, channels[0])

    def forward(self, feats):
        return self.decoder(self.aspp(feats[3]), feats[0])


class DeepLabV3P(nn.Module):
    """DeepLabV3P with backbone_indices [0, 3]; module paths equal PaddleSeg's sublayer names."""

    def __init__(self, depth, output_stride, num_classes=2, ratios=(1, 12, 24, 36), multi_grid=(1, 2, 4)):
        super().__init__()
        self.backbone = ResNetVd(depth, output_stride, multi_grid)
        self.head = Head(num_classes, self.backbone.channels, ratios)

    def forward(self, x):
        logit = self.head(self.backbone(x))
        return F.interpolate(logit, x.shape[2:], mode="bilinear", align_corners=False)


def paddle_state_dict(model):
    """The model's state as PaddleSeg names it: BN running statistics are `_mean` / `_variance`, and
    PyTorch's `num_batches_tracked` counters (Paddle has none) are left out."""
    out = {}
    for name, value in model.state_dict().items():
        if name.endswith("num_batches_tracked"):
            continue
        name = name.replace("running_mean", "_mean").replace("running_var", "_variance")
        out[name] = value.detach().cpu().numpy().astype("float32")
    return out


def export_pdparams(args):
    """Writes a whole-model .pdparams (pickle protocol 4, as paddle.save does) of a seeded random
    model whose BN layers hold random affine parameters and the statistics of random batches, a
    fixed input and the model's eval-mode logits on it."""
    import pickle
    torch.manual_seed(args.seed)
    ratios = [int(r) for r in args.aspp_ratios.split(",")]
    model = DeepLabV3P(args.depth, args.output_stride, ratios=ratios)
    with torch.no_grad():
        for m in model.modules():
            if isinstance(m, nn.Conv2d):  # Paddle's spread, so that logits are far from zero
                nn.init.kaiming_normal_(m.weight, nonlinearity="relu")
                if m.bias is not None:
                    m.bias.uniform_(-0.1, 0.1)
            if isinstance(m, nn.BatchNorm2d):
                m.weight.uniform_(0.5, 1.5)
                m.bias.uniform_(-0.2, 0.2)
                m.momentum = None  # running statistics = the average over the batches below
        # Statistics from real activations keep every layer's output at a trained network's scale.
        model.train()
        for _ in range(2):
            model(torch.randn(2, 3, args.size, args.size))
    model.eval()
    x = torch.randn(1, 3, args.size, args.size)
    with open(args.export_pdparams, "wb") as f:
        pickle.dump(paddle_state_dict(model), f, protocol=4)
    with torch.no_grad():  # in float64: the reference is the exact result of the float32 weights
        logits = model.double()(x.double()).float()
    x.numpy().astype("<f4").tofile(args.export_pdparams + ".input.f32")
    logits.numpy().astype("<f4").tofile(args.export_pdparams + ".logits.f32")
    print(json.dumps({"input": list(x.shape), "logits": list(logits.shape),
                      "parameters": sum(p.numel() for p in model.parameters())}))


def kl_loss(student, teacher, temperature=1.0):
    """PaddleSeg's KLLoss on logits: KL(teacher || student) x T^2, mean over pixels / classes."""
    log_s = F.log_softmax(student / temperature, 1)
    p_t = F.softmax(teacher / temperature, 1)
    kl = (p_t * (torch.log(p_t + 1e-12) - log_s)).sum(1)
    return kl.mean() * temperature ** 2 / student.shape[1]


def timed(fn, warmup, steps, sync=lambda: None):
    """sync waits for queued GPU work, so a step's time includes its kernels (a no-op on CPU)."""
    ms = []
    for i in range(warmup + steps):
        sync()
        t0 = time.perf_counter()
        fn()
        sync()
        if i >= warmup:
            ms.append((time.perf_counter() - t0) * 1000)
    ms.sort()
    q = statistics.quantiles(ms, n=10, method="inclusive") if len(ms) > 1 else [ms[0]] * 9
    return {"count": len(ms), "median": statistics.median(ms), "p10": q[0], "p90": q[8]}


def profile_steps(step, steps, device, sync):
    """The same steps under torch.profiler; host (CPU) time per operator, as distill4j's bench --profile."""
    from torch.profiler import ProfilerActivity, profile
    activities = [ProfilerActivity.CPU] + ([ProfilerActivity.CUDA] if device.type == "cuda" else [])
    with profile(activities=activities) as prof:
        for _ in range(steps):
            step()
            sync()
    print(f"profile of {steps} steps (torch.profiler, self CPU time):", file=sys.stderr)
    print(prof.key_averages().table(sort_by="self_cpu_time_total", row_limit=25), file=sys.stderr)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--batch_size", type=int, default=4)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda / cuda:N")
    ap.add_argument("--teacher_output_stride", type=int, default=16, help="16 in configs/cpu, 8 in quick_start")
    ap.add_argument("--profile", choices=("student", "teacher", "inference"),
                    help="after the timings, profile that model's training steps (or the teacher's inference"
                         " forward) with torch.profiler and print the operators with the most self CPU time"
                         " (on stderr)")
    ap.add_argument("--amp", choices=("none", "bf16"), default="none",
                    help="bf16: forward passes (and so their backward) under torch.autocast with bfloat16,"
                         " PyTorch's own mixed precision; weights, optimizer and losses stay float32")
    ap.add_argument("--export_pdparams", metavar="FILE",
                    help="instead of timing, write FILE (PaddleSeg's names) with an input and its logits")
    ap.add_argument("--depth", type=int, default=18, help="ResNet_vd depth for --export_pdparams")
    ap.add_argument("--output_stride", type=int, default=8, help="for --export_pdparams")
    ap.add_argument("--aspp_ratios", default="1,12,24,36", help="for --export_pdparams")
    ap.add_argument("--seed", type=int, default=0, help="for --export_pdparams")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
    if args.export_pdparams:
        export_pdparams(args)
        return
    torch.manual_seed(0)

    device = torch.device(args.device)
    sync = (lambda: torch.cuda.synchronize(device)) if device.type == "cuda" else (lambda: None)
    student = DeepLabV3P(18, 8)
    teacher = DeepLabV3P(50, args.teacher_output_stride)
    for name, model in (("ResNet18_vd", student), ("ResNet50_vd", teacher)):
        n = sum(p.numel() for p in model.parameters())
        assert n == EXPECTED_PARAMETERS[name], f"{name}: {n:,} parameters, distill4j has {EXPECTED_PARAMETERS[name]:,}"

    student.to(device)
    teacher.to(device)
    x = torch.randn(args.batch_size, 3, args.size, args.size).to(device)
    y = (torch.rand(args.batch_size, args.size, args.size) > 0.8).long().to(device)

    def autocast():
        if args.amp == "none":
            return contextlib.nullcontext()
        return torch.autocast(device.type, dtype=torch.bfloat16)

    def train_step(model, opt):
        def step():
            model.train()
            with autocast():
                logits = model(x)
            loss = F.cross_entropy(logits.float(), y, ignore_index=255)
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
        return step

    def sgd(model):
        return torch.optim.SGD(model.parameters(), lr=0.01, momentum=0.9, weight_decay=4e-5)

    s_opt, t_opt = sgd(student), sgd(teacher)
    results = {
        "train step ms, student": timed(train_step(student, s_opt), args.warmup, args.steps, sync),
        "train step ms, teacher": timed(train_step(teacher, t_opt), args.warmup, args.steps, sync),
    }

    def teacher_forward():
        teacher.eval()
        with torch.no_grad(), autocast():
            teacher(x).float().sum().item()

    def distill_step():
        teacher.eval()
        with torch.no_grad(), autocast():
            t_logits = teacher(x).float()
        student.train()
        with autocast():
            logits = student(x).float()
        loss = F.cross_entropy(logits, y, ignore_index=255) + 3 * kl_loss(logits, t_logits)
        s_opt.zero_grad(set_to_none=True)
        loss.backward()
        s_opt.step()

    results["distill step ms, KL"] = timed(distill_step, args.warmup, args.steps, sync)
    results["teacher inference forward ms"] = timed(teacher_forward, args.warmup, args.steps, sync)
    if args.profile:
        profiled = {"student": lambda: train_step(student, s_opt), "teacher": lambda: train_step(teacher, t_opt),
                    "inference": lambda: teacher_forward}[args.profile]()
        profile_steps(profiled, args.steps, device, sync)
    context = {"engine": f"PyTorch {torch.__version__} (Python)", "threads": torch.get_num_threads(),
               "device": str(device) + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""),
               "input": f"{args.size}x{args.size}, batch {args.batch_size}",
               "amp": args.amp,
               "warmup, steps": f"{args.warmup}, {args.steps}"}
    print(json.dumps({"context": context, "results": results}, indent=2))


if __name__ == "__main__":
    main()
