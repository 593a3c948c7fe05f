// The 27 published HAWQ-V3 models (model_zoo.md / README of Zhen-Dong/HAWQ): Google Drive file
// id, architecture, scheme and the README's table values, verbatim.

export type ZooArch = 'resnet18' | 'resnet50' | 'resnet101' | 'resnet101b' | 'inceptionv3';

export interface ZooModel {
  /** The README's link text, e.g. `resnet18_bops0.5`; also the archive name `<name>.tar.gz`. */
  readonly name: string;
  readonly fileId: string;
  /** PyTorchCV architecture name (quant_train.py `-a`). */
  readonly arch: ZooArch;
  /** The README's "Quantization Scheme" column, e.g. `Mixed Precision Medium BOPS`. */
  readonly scheme: string;
  /** bit_config.py key suffix (`--quant-scheme`), e.g. `bops_0.5`; null for the FP32 baselines. */
  readonly bitConfig: string | null;
  /** Model Size (MB) as printed in the README. */
  readonly sizeMB: number;
  /** BOPS (G) as printed in the README. */
  readonly gbops: number;
  /** Speed-up over FP32 on a T4 (TVM); null where the README prints none. */
  readonly speedUp: number | null;
  /** ImageNet top-1 accuracy (%) as printed in the README. */
  readonly top1: number;
}

type Row = [
  name: string,
  fileId: string,
  scheme: string,
  bitConfig: string | null,
  sizeMB: number,
  gbops: number,
  speedUp: number | null,
  top1: number,
];

const rows: Row[] = [
  [
    'resnet18_baseline',
    '1C7is-QOiSlLXKoPuKzKNxb0w-ixqoOQE',
    'Floating Points',
    null,
    44.6,
    1858,
    1.0,
    71.47,
  ],
  [
    'resnet18_uniform8',
    '1CLAd3LhiRVYwiBZRuUJgrzrrPFfLvfWG',
    'W8A8',
    'uniform8',
    11.1,
    116,
    3.0,
    71.56,
  ],
  [
    'resnet18_size0.75',
    '1Fjm1Wruo773e3-jTIGahUWWQbmqGyMLO',
    'Mixed Precision High Size',
    'modelsize_0.75',
    9.9,
    103,
    3.09,
    71.2,
  ],
  [
    'resnet18_size0.5',
    '1EGH76MRLckRtRXqWZHJ_I5DW5UQ-C8iA',
    'Mixed Precision Medium Size',
    'modelsize_0.5',
    7.9,
    98,
    3.18,
    70.5,
  ],
  [
    'resnet18_size0.25',
    '1Eq9tmF8XlxOQGNMOuvc5rTPV0N4Ov-4C',
    'Mixed Precision Low Size',
    'modelsize_0.25',
    7.3,
    95,
    3.24,
    70.01,
  ],
  [
    'resnet18_bops0.75',
    '1F-pcK-AMCNcPAOydmhJN5aiDGGaEk-q7',
    'Mixed Precision High BOPS',
    'bops_0.75',
    8.7,
    92,
    3.36,
    70.4,
  ],
  [
    'resnet18_bops0.5',
    '1DbDXYdulvvb9YOG1fRSrCVPvry_Reu8z',
    'Mixed Precision Medium BOPS',
    'bops_0.5',
    6.7,
    72,
    3.63,
    70.22,
  ],
  [
    'resnet18_bops0.25',
    '1G9UgvLB3KuDyqNj4xV7DFiHjfXtULPJI',
    'Mixed Precision Low BOPS',
    'bops_0.25',
    6.1,
    54,
    4.05,
    68.72,
  ],
  [
    'resnet18_latency0.75',
    '1FcDVQT-p314lDq-URbHbLCSkGnWrd_vT',
    'Mixed Precision High Latency',
    'latency_0.75',
    8.7,
    92,
    3.36,
    70.4,
  ],
  [
    'resnet18_latency0.5',
    '1EfpPjgx-q5IS9rDP1irrdQtMvBodkDei',
    'Mixed Precision Medium Latency',
    'latency_0.5',
    7.2,
    76,
    3.57,
    70.34,
  ],
  [
    'resnet18_latency0.25',
    '1FwC7Sjp9lFW6dLdnyb9O4Re7OLkUpkPy',
    'Mixed Precision Low Latency',
    'latency_0.25',
    6.1,
    54,
    4.05,
    68.56,
  ],
  [
    'resnet18_uniform4',
    '1D4DPcW2s9QmSnKzUgcjH-2eYO8zpDRIL',
    'W4A4',
    'uniform4',
    5.8,
    34,
    4.44,
    68.45,
  ],
  [
    'resnet50_baseline',
    '1CE4b05gwMzDqcdpwHLFC2BM0841qKJp8',
    'Floating Points',
    null,
    97.8,
    3951,
    1.0,
    77.72,
  ],
  [
    'resnet50_uniform8',
    '1Ldo51ZPx6_2Eq60JgbL6hdPdQf5WbRf9',
    'W8A8',
    'uniform8',
    24.5,
    247,
    3.1,
    77.58,
  ],
  [
    'resnet50_size0.75',
    '1GtYgWFQrWfmn-23pFrZlxmBtuDCRG5Zs',
    'Mixed Precision High Size',
    'modelsize_0.75',
    21.3,
    226,
    3.38,
    77.38,
  ],
  [
    'resnet50_size0.5',
    '1DnnRL9Q9SJ6BA5M98zGxcKrrAKClDdfJ',
    'Mixed Precision Medium Size',
    'modelsize_0.5',
    19.0,
    197,
    3.5,
    75.95,
  ],
  [
    'resnet50_size0.25',
    '1H_rLcaOobHCASSxLD5F6ho5rKNvBqAOo',
    'Mixed Precision Low Size',
    'modelsize_0.25',
    16.0,
    168,
    3.66,
    74.89,
  ],
  [
    'resnet50_bops0.75',
    '1H5947bedQ1rCGzdKpSCJjIxysJUBznOE',
    'Mixed Precision High BOPS',
    'bops_0.75',
    22.0,
    197,
    3.6,
    76.1,
  ],
  [
    'resnet50_bops0.5',
    '1DNUkyavD10saZw9_7TzJhEy0NFPhSVZr',
    'Mixed Precision Medium BOPS',
    'bops_0.5',
    18.7,
    154,
    3.81,
    75.39,
  ],
  [
    'resnet50_bops0.25',
    '1G_JQJgGTDYQN5atmcyjDsJZV5zkH8GWw',
    'Mixed Precision Low BOPS',
    'bops_0.25',
    16.7,
    110,
    4.03,
    74.45,
  ],
  [
    'resnet50_latency0.75',
    '1HBQhrTplhOHft43WEifaq35dfUftP5tJ',
    'Mixed Precision High Latency',
    'latency_0.75',
    22.3,
    199,
    3.5,
    76.63,
  ],
  [
    'resnet50_latency0.5',
    '1GbviN74Z806jyDusohusEjgKuqIyAc5s',
    'Mixed Precision Medium Latency',
    'latency_0.5',
    18.5,
    155,
    3.75,
    74.95,
  ],
  [
    'resnet50_latency0.25',
    '1HuMaFhL1GV3XiYt9fLncZf6QruL7eGif',
    'Mixed Precision Low Latency',
    'latency_0.25',
    16.5,
    114,
    3.97,
    74.26,
  ],
  [
    'resnet50_uniform4',
    '1DDis-8C-EupCRj-ExH58ldSv-tG2RXyf',
    'W4A4',
    'uniform4',
    13.1,
    67,
    4.5,
    74.24,
  ],
  [
    'resnet101_baseline',
    '1GDliS9_HdQ75eH2G1bCivfQL4FTI4euF',
    'Floating Points',
    null,
    170.0,
    7780,
    null,
    78.1,
  ],
  [
    'resnet101b_baseline',
    '1GPBBpi3wAko4wHWt8ZBOJj7RALW1_K1p',
    'Floating Points',
    null,
    170.0,
    8018,
    null,
    79.41,
  ],
  [
    'inceptionv3_baseline',
    '1LcfaPrYCpAxnuaobXwD5MDswpd_UqfDk',
    'Floating Points',
    null,
    90.9,
    5850,
    null,
    78.88,
  ],
];

export const ZOO_MODELS: readonly ZooModel[] = Object.freeze(
  rows.map(([name, fileId, scheme, bitConfig, sizeMB, gbops, speedUp, top1]) =>
    Object.freeze({
      name,
      fileId,
      arch: name.slice(0, name.indexOf('_')) as ZooArch,
      scheme,
      bitConfig,
      sizeMB,
      gbops,
      speedUp,
      top1,
    }),
  ),
);

/** True for the FP32 PyTorchCV baselines, whose archives hold PyTorchCV weights, not a HAWQ checkpoint. */
export function isBaseline(model: ZooModel): boolean {
  return model.bitConfig === null;
}

/** The archive name the README uses for a model. */
export function archiveName(model: ZooModel): string {
  return `${model.name}.tar.gz`;
}

export function findModelByFileId(fileId: string): ZooModel | undefined {
  return ZOO_MODELS.find((m) => m.fileId === fileId);
}
