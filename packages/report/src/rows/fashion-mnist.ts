import { normalizeScheme } from '@hawq-ts/core';
import { isFloatScheme } from '../results/match.js';
import type { MergedResult } from '../results/merge.js';
import { computeCosts } from './computed.js';
import type { ReportRow, ReportTable } from './types.js';

const SCHEME_LABEL: Readonly<Record<string, string>> = {
  uniform8: 'W8A8',
  uniform4: 'W4A4',
  'modelsize_0.75': 'Mixed Precision High Size',
  'modelsize_0.5': 'Mixed Precision Medium Size',
  'modelsize_0.25': 'Mixed Precision Low Size',
  'bops_0.75': 'Mixed Precision High BOPS',
  'bops_0.5': 'Mixed Precision Medium BOPS',
  'bops_0.25': 'Mixed Precision Low BOPS',
  'latency_0.75': 'Mixed Precision High Latency',
  'latency_0.5': 'Mixed Precision Medium Latency',
  'latency_0.25': 'Mixed Precision Low Latency',
};

/** Fashion-MNIST has 10 classes; the trainer's ResNet18-structured model reads 28×28 images. */
const FMNIST_CLASSES = 10;
const FMNIST_INPUT = 28;

/**
 * The Fashion-MNIST table from the trainer's evaluation results, in the README's layout. Size and
 * BOPS come from the same accounting as the ImageNet rows, for the architecture, input size and
 * class count the results file states (defaults: 28×28, 10 classes). Nothing is published for
 * this dataset, so every value shown is computed or measured.
 */
export function fashionMnistTable(
  results: readonly MergedResult[],
  notes: Map<string, string>,
  show: (file: string) => string = (f) => f,
): ReportTable {
  const order = (m: MergedResult) => (isFloatScheme(m.result.scheme) ? 0 : 1);
  const rows = [...results]
    .sort((a, b) => order(a) - order(b))
    .map((m): ReportRow => {
      const r = m.result;
      const arch = (r.arch ?? r.model).toLowerCase();
      const scheme = isFloatScheme(r.scheme) ? null : normalizeScheme(r.scheme!);
      const inputSize = r.inputSize ?? FMNIST_INPUT;
      const numClasses = r.numClasses ?? FMNIST_CLASSES;
      let costs: ReturnType<typeof computeCosts> | null = null;
      let costError: string | null = null;
      try {
        costs = computeCosts(arch, scheme, { inputSize, numClasses });
      } catch (err) {
        costError = (err as Error).message;
      }
      const row: ReportRow = {
        name: `fashion-mnist/${r.model}_${scheme ?? 'fp32'}`,
        model: r.model,
        arch,
        scheme: scheme === null ? 'Floating Points' : (SCHEME_LABEL[scheme] ?? scheme),
        bitConfig: scheme,
        sizeMiB: costs?.sizeMiB ?? null,
        sizeMiBWeightsOnly: costs?.sizeMiBWeightsOnly ?? null,
        gbops: costs?.gbops ?? null,
        top1: r.top1,
        top1Source: 'measured',
        measurement: {
          source: m.source,
          command: m.command,
          count: r.count,
          engine: r.engine ?? null,
        },
        speedup: null,
        speedupT4Estimate: null,
        published: { sizeMB: null, gbops: null, speedup: null, top1: null },
        notes: {},
      };
      const fmId = `fmnist-costs:${inputSize}:${numClasses}`;
      notes.set(
        fmId,
        `Fashion-MNIST size/BOPS: same accounting as the ImageNet rows, for the PyTorchCV architecture at ${inputSize}×${inputSize} input and ${numClasses} classes.`,
      );
      row.notes.size = [fmId];
      if (costError) {
        const id = `fmnist-cost-error:${row.name}`;
        notes.set(id, `No size/BOPS for ${row.name}: ${costError}`);
        row.notes.size.push(id);
      }
      notes.set(
        'fmnist-speed',
        "Not measured for the Fashion-MNIST model: the deploy benchmark times the ImageNet-size ResNets, and HAWQ's T4 table is for 224×224 ImageNet layers.",
      );
      row.notes.speedup = ['fmnist-speed'];
      row.notes.speedupT4Estimate = ['fmnist-speed'];
      const id = `measured:${m.source}`;
      notes.set(
        id,
        `Top-1 measured by this project: ${show(m.source)}${m.command ? ` written by \`${m.command}\`` : ''} (${r.count} test images).`,
      );
      row.notes.top1 = [id];
      return row;
    });
  return {
    title: 'ResNet18-structured model (Fashion-MNIST)',
    dataset: 'fashion-mnist',
    layout: 'speedup',
    rows,
  };
}
