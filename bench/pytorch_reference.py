#!/usr/bin/env python3
"""The peer measurement for `bin/distill4j bench`: the same DeepLabV3P-ResNet_vd models and the same
steps, in plain PyTorch, timed the same way (median and 10th/90th percentile after warm-up).

Written for the PyTorch that Debian ships (python3-torch). The models must have exactly the
parameter count distill4j reports for them (`bin/distill4j check --config ...`); the script
asserts it. Prints JSON shaped like `bin/distill4j bench --json`.

    /usr/bin/python3 bench/pytorch_reference.py --size 128 --batch_size 4 --steps 20
"""
import argparse
import json
import statistics
import time

import torch
import torch.nn as nn
import torch.nn.functional as F

# Parameter counts distill4j reports for the two-class models (bin/distill4j check).
EXPECTED_PARAMETERS = {"ResNet18_vd": 12_361_138, "ResNet50_vd": 26_719_026}


class ConvBN(nn.Module):
    """Backbone unit: optional 2x2 average pool (vd shortcut), conv without bias, BN, optional ReLU."""

    def __init__(self, cin, cout, k, stride=1, dilation=1, relu=True, avg_pool=False):
        super().__init__()
        self.pool = nn.AvgPool2d(2, 2, ceil_mode=True, count_include_pad=False) if avg_pool else None
        pad = (k - 1) // 2 if dilation == 1 else dilation
        self.conv = nn.Conv2d(cin, cout, k, stride, pad, dilation=dilation, bias=False)
        self.bn = nn.BatchNorm2d(cout, eps=1e-5, momentum=0.1)
        self.relu = relu

    def forward(self, x):
        if self.pool is not None:
            x = self.pool(x)
        x = self.bn(self.conv(x))
        return F.relu(x) if self.relu else x


class Basic(nn.Module):
    expansion = 1

    def __init__(self, cin, width, stride, dilation, first_of_net):
        super().__init__()
        self.a = ConvBN(cin, width, 3, stride, dilation)
        self.b = ConvBN(width, width, 3, 1, dilation, relu=False)
        self.short = ConvBN(cin, width, 1, avg_pool=(not first_of_net and stride != 1), relu=False)

    def forward(self, x, project):
        s = self.short(x) if project else x
        return F.relu(self.b(self.a(x)) + s)


class Bottleneck(nn.Module):
    expansion = 4

    def __init__(self, cin, width, stride, dilation, first_of_net):
        super().__init__()
        self.a = ConvBN(cin, width, 1)
        self.b = ConvBN(width, width, 3, stride, dilation)
        self.c = ConvBN(width, width * 4, 1, relu=False)
        self.short = ConvBN(cin, width * 4, 1, avg_pool=(not first_of_net and stride != 1), relu=False)

    def forward(self, x, project):
        s = self.short(x) if project else x
        return F.relu(self.c(self.b(self.a(x))) + s)


class Block(nn.Module):
    """A residual block; only the first block of a stage has (and uses) a projection shortcut."""

    def __init__(self, kind, cin, width, stride, dilation, first_of_stage, first_of_net):
        super().__init__()
        self.inner = kind(cin, width, stride, dilation, first_of_net)
        self.project = first_of_stage
        if not first_of_stage:
            del self.inner.short

    def forward(self, x):
        return self.inner(x, self.project)


class ResNetVd(nn.Module):
    def __init__(self, depth, output_stride, multi_grid=(1, 2, 4)):
        super().__init__()
        kind, depths = {18: (Basic, [2, 2, 2, 2]), 50: (Bottleneck, [3, 4, 6, 3])}[depth]
        self.stem = nn.Sequential(ConvBN(3, 32, 3, 2), ConvBN(32, 32, 3), ConvBN(32, 64, 3))
        dil = {8: [1, 1, 2, 4], 16: [1, 1, 1, 2]}[output_stride]
        self.stages = nn.ModuleList()
        cin = 64
        for s, n in enumerate(depths):
            width = 64 * 2 ** s
            blocks = []
            for i in range(n):
                d = dil[s] * (multi_grid[i] if s == 3 else 1)
                stride = 2 if (i == 0 and s != 0 and dil[s] == 1) else 1
                blocks.append(Block(kind, cin, width, stride, d, i == 0, s == 0 and i == 0))
                cin = width * kind.expansion
            self.stages.append(nn.Sequential(*blocks))
        self.channels = [64 * 2 ** s * kind.expansion for s in range(4)]

    def forward(self, x):
        x = F.max_pool2d(self.stem(x), 3, 2, 1)
        feats = []
        for stage in self.stages:
            x = stage(x)
            feats.append(x)
        return feats


def conv_bn_relu(cin, cout, k=1, bias=True):
    return nn.Sequential(nn.Conv2d(cin, cout, k, padding=k // 2, bias=bias), nn.BatchNorm2d(cout), nn.ReLU())


class SeparableConvBNReLU(nn.Module):
    def __init__(self, cin, cout, dilation=1):
        super().__init__()
        self.depthwise = nn.Sequential(
            nn.Conv2d(cin, cin, 3, padding=dilation, dilation=dilation, groups=cin), nn.BatchNorm2d(cin))
        self.pointwise = conv_bn_relu(cin, cout)

    def forward(self, x):
        return self.pointwise(self.depthwise(x))


class DeepLabV3P(nn.Module):
    def __init__(self, depth, output_stride, num_classes=2, ratios=(1, 12, 24, 36)):
        super().__init__()
        self.backbone = ResNetVd(depth, output_stride)
        high, low = self.backbone.channels[3], self.backbone.channels[0]
        self.aspp = nn.ModuleList(
            [conv_bn_relu(high, 256) if r == 1 else SeparableConvBNReLU(high, 256, r) for r in ratios])
        self.image_pool = conv_bn_relu(high, 256, bias=False)
        self.aspp_out = conv_bn_relu(256 * (len(ratios) + 1), 256)
        self.dropout = nn.Dropout(0.1)
        self.low = conv_bn_relu(low, 48)
        self.dec1 = SeparableConvBNReLU(304, 256)
        self.dec2 = SeparableConvBNReLU(256, 256)
        self.classifier = nn.Conv2d(256, num_classes, 1)

    def forward(self, x):
        feats = self.backbone(x)
        high = feats[3]
        pooled = self.image_pool(F.adaptive_avg_pool2d(high, 1))
        branches = [b(high) for b in self.aspp]
        branches.append(F.interpolate(pooled, high.shape[2:], mode="bilinear", align_corners=False))
        y = self.dropout(self.aspp_out(torch.cat(branches, 1)))
        y = F.interpolate(y, feats[0].shape[2:], mode="bilinear", align_corners=False)
        y = self.dec2(self.dec1(torch.cat([y, self.low(feats[0])], 1)))
        return F.interpolate(self.classifier(y), x.shape[2:], mode="bilinear", align_corners=False)


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


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--size", type=int, default=128)
    ap.add_argument("--batch_size", type=int, default=4)
    ap.add_argument("--warmup", type=int, default=5)
    ap.add_argument("--steps", type=int, default=20)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--device", default="cpu", help="cpu (default) or cuda / cuda:N")
    ap.add_argument("--teacher_output_stride", type=int, default=16, help="16 in configs/cpu, 8 in quick_start")
    args = ap.parse_args()
    torch.set_num_threads(args.threads)
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

    def train_step(model, opt):
        def step():
            model.train()
            loss = F.cross_entropy(model(x), y, ignore_index=255)
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
        with torch.no_grad():
            teacher(x).sum().item()

    def distill_step():
        teacher.eval()
        with torch.no_grad():
            t_logits = teacher(x)
        student.train()
        logits = student(x)
        loss = F.cross_entropy(logits, y, ignore_index=255) + 3 * kl_loss(logits, t_logits)
        s_opt.zero_grad(set_to_none=True)
        loss.backward()
        s_opt.step()

    results["distill step ms, KL"] = timed(distill_step, args.warmup, args.steps, sync)
    results["teacher inference forward ms"] = timed(teacher_forward, args.warmup, args.steps, sync)
    context = {"engine": f"PyTorch {torch.__version__} (Python)", "threads": torch.get_num_threads(),
               "device": str(device) + (f" ({torch.cuda.get_device_name(device)})" if device.type == "cuda" else ""),
               "input": f"{args.size}x{args.size}, batch {args.batch_size}",
               "warmup, steps": f"{args.warmup}, {args.steps}"}
    print(json.dumps({"context": context, "results": results}, indent=2))


if __name__ == "__main__":
    main()
