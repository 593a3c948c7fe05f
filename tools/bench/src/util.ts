// What every benchmark records about the machine it ran on, and number formatting for results.
import { readFileSync } from 'node:fs';
import { cpus, loadavg, totalmem } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export function round(x: number, digits: number): number {
  return Number(x.toFixed(digits));
}

/** CPU, cores, memory and Node version; the 1/5/15-minute load averages now (other jobs on a
 *  shared machine lower every figure of a run alike, so results say how busy it was). */
export function machineInfo(): {
  cpu: string | undefined;
  cores: number;
  memoryGB: number;
  node: string;
  loadAverageNow: number[];
} {
  return {
    cpu: cpus()[0]?.model,
    cores: cpus().length,
    memoryGB: round(totalmem() / 2 ** 30, 1),
    node: process.version,
    loadAverageNow: loadavg().map((x) => round(x, 2)),
  };
}

/**
 * Python defining `resnet_v1(arch)`: PyTorchCV's ResNet18/50 v1 (conv1_stride=True: a downsampling
 * bottleneck strides in its first 1×1 conv) in plain torch.nn, so PyTorch baselines need no
 * torchvision/pytorchcv. Weights are random (seed the caller's torch first).
 */
export const TORCH_RESNET_V1 = `
import torch.nn as nn
def conv_block(i, o, k, s, activ=True):
    m = [nn.Conv2d(i, o, k, s, k // 2, bias=False), nn.BatchNorm2d(o)]
    return nn.Sequential(*(m + [nn.ReLU(inplace=True)] if activ else m))
class ResUnit(nn.Module):
    def __init__(self, i, o, s, bottleneck):
        super().__init__()
        mid = o // 4
        self.body = (nn.Sequential(conv_block(i, mid, 1, s), conv_block(mid, mid, 3, 1), conv_block(mid, o, 1, 1, False))
                     if bottleneck else nn.Sequential(conv_block(i, o, 3, s), conv_block(o, o, 3, 1, False)))
        self.identity_conv = conv_block(i, o, 1, s, False) if (i != o or s != 1) else None
        self.activ = nn.ReLU(inplace=True)
    def forward(self, x):
        idt = self.identity_conv(x) if self.identity_conv is not None else x
        return self.activ(self.body(x) + idt)
def resnet_v1(arch):
    bottleneck = arch == 'resnet50'
    layers, widths = ([3, 4, 6, 3], [256, 512, 1024, 2048]) if bottleneck else ([2, 2, 2, 2], [64, 128, 256, 512])
    mods, c = [conv_block(3, 64, 7, 2), nn.MaxPool2d(3, 2, 1)], 64
    for si, (n, o) in enumerate(zip(layers, widths)):
        for u in range(n):
            mods.append(ResUnit(c, o, 2 if (u == 0 and si > 0) else 1, bottleneck)); c = o
    return nn.Sequential(*mods, nn.AvgPool2d(7, 1), nn.Flatten(), nn.Linear(c, 1000)).eval()
`;

/** Debian's python3 with torch 1.13 (the `python3` first on PATH is another interpreter). */
export const PYTHON = '/usr/bin/python3';

/** tools/bench/results/TOPIC.json, where each benchmark writes its figures. */
export function resultsPath(topic: string): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..', 'results', `${topic}.json`);
}

/**
 * This process's peak RSS in KiB: VmHWM of /proc/self/status. Not getrusage's ru_maxrss: Linux
 * keeps that across exec, so a child started by a bigger parent (pnpm, or the benchmark holding a
 * ResNet50) reports the parent's RSS (measured: 503 MiB in a child whose own peak was 39 MiB).
 */
export function peakRssKiB(): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync('/proc/self/status', 'utf8'));
  return m ? Number(m[1]) : process.resourceUsage().maxRSS;
}

/** Python expression for the same figure (KiB), for the PyTorch sides (needs `import re`). */
export const PY_PEAK_RSS_KIB = `int(re.search(r'VmHWM:\\s+(\\d+) kB', open('/proc/self/status').read()).group(1))`;
